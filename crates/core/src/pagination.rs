//! The paginator: offset/limit paging with TotalCount, exactly-once delivery on a stable data
//! set, drift detection and an opt-in restart policy.
