//! A token-bucket pacer (default 20 requests/s, burst 1) driven by time passed in.
