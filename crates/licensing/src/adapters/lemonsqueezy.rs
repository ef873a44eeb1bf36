//! The lemonsqueezy adapter (being written).
