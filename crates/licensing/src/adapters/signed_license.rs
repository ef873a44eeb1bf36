//! The signed_license adapter (being written).
