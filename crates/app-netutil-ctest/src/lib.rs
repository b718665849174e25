//! Helpers for the C tests of libappnetutil.
