//! The devpayr adapter (being written).
