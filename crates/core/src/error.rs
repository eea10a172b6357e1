//! API errors: the `Response.Error` envelope mapped to typed codes, with the RequestId always
//! kept, a retryable classification and human hints.
