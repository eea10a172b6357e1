//! Clock-skew estimation from a response `Date` header, for `AuthFailure.SignatureExpire`
//! recovery.
