//! The dodo adapter (being written).
