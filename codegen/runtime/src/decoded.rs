//! What a response means to a generated client's typed code, in one type for every operation.

use std::any::Any;
use std::fmt::Debug;

use reqwest::StatusCode;

use crate::{AnyValue, Error, RawResponse, ResponseValue};

/// How a generated client reads a response, for tools that hold responses of any operation: a
/// generated crate's `decode_response(operation_id, response)` answers with one.
///
/// The four cases are every way a response can go: it decoded (as a success or as a documented
/// error), its status is not documented, or its body does not decode. The typed value is kept
/// behind [`AnyValue`]; [`ResponseValue::downcast`] gets the operation's own
/// `ResponseValue<T, H>` back.
#[derive(Debug)]
pub enum Decoded {
    /// A documented success status; the body decoded into the operation's success type, beside
    /// its typed headers (what the method returns as `Ok`).
    Success(ResponseValue<AnyValue, AnyValue>),
    /// A documented error status; the body decoded into the operation's error type, beside its
    /// typed error headers (what the method returns as [`Error::ErrorResponse`]).
    ErrorResponse(ResponseValue<AnyValue, AnyValue>),
    /// A status the operation does not document: there is nothing to decode, which is not a
    /// decoding failure (the method returns [`Error::UnexpectedResponse`]).
    UnexpectedResponse(RawResponse),
    /// A documented status whose body does not decode as documented (the method returns
    /// [`Error::InvalidResponsePayload`]). `error`'s message is serde's: it names a missing or
    /// unknown field, or what was found where and what was expected.
    InvalidResponsePayload {
        response: RawResponse,
        error: serde_json::Error,
    },
}

impl Decoded {
    /// What an operation's result says about its response: the result of a generated
    /// `responses::<operation>` function, or of a method.
    ///
    /// # Errors
    /// The failures that carry no response, handed back unchanged: [`Error::InvalidRequest`]
    /// and [`Error::Communication`] (a method's only; a `responses` function never returns
    /// them).
    // The error is the one the operation returned; boxing it here would not make it smaller.
    #[allow(clippy::result_large_err)]
    pub fn from_result<T, H, E, EH>(
        result: Result<ResponseValue<T, H>, Error<E, EH>>,
    ) -> Result<Self, Error<E, EH>>
    where
        T: Any + Debug + Send + Sync,
        H: Any + Debug + Send + Sync,
        E: Any + Debug + Send + Sync,
        EH: Any + Debug + Send + Sync,
    {
        match result {
            Ok(value) => Ok(Decoded::Success(value.erased())),
            Err(Error::ErrorResponse(value)) => Ok(Decoded::ErrorResponse(value.erased())),
            Err(Error::UnexpectedResponse {
                status,
                headers,
                body,
            }) => Ok(Decoded::UnexpectedResponse(RawResponse::new(
                status, headers, body,
            ))),
            Err(Error::InvalidResponsePayload {
                status,
                headers,
                body,
                error,
            }) => Ok(Decoded::InvalidResponsePayload {
                response: RawResponse::new(status, headers, body),
                error,
            }),
            Err(other) => Err(other),
        }
    }

    /// The status of the response.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Decoded::Success(value) | Decoded::ErrorResponse(value) => value.status(),
            Decoded::UnexpectedResponse(response)
            | Decoded::InvalidResponsePayload { response, .. } => response.status(),
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderMap;

    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Pet {
        name: String,
    }

    #[derive(Debug, PartialEq)]
    struct PetHeaders;

    impl crate::FromHeaders for PetHeaders {
        fn from_headers(_: &HeaderMap) -> Self {
            PetHeaders
        }
    }

    fn raw(status: u16, body: &'static str) -> RawResponse {
        let status = StatusCode::from_u16(status).expect("a status");
        RawResponse::new(status, HeaderMap::new(), body)
    }

    type Decoder = Result<ResponseValue<Pet, PetHeaders>, Error<String>>;

    /// Reads 200 as a `Pet`, 404 as a `String` error, anything else as undocumented.
    #[allow(clippy::result_large_err)]
    fn decode(response: RawResponse) -> Decoder {
        match response.status().as_u16() {
            200 => ResponseValue::from_json(response),
            404 => Err(Error::ErrorResponse(ResponseValue::from_json(response)?)),
            _ => Err(Error::unexpected(response)),
        }
    }

    #[test]
    fn a_success_keeps_its_typed_value_and_headers() {
        let decoded = Decoded::from_result(decode(raw(200, r#"{"name":"Rex"}"#))).expect("decoded");
        assert_eq!(decoded.status(), StatusCode::OK);
        let Decoded::Success(value) = decoded else {
            panic!("expected a success, got {decoded:?}")
        };
        assert_eq!(format!("{:?}", value.as_ref()), r#"Pet { name: "Rex" }"#);
        assert!(value.type_name().ends_with("Pet"), "{}", value.type_name());
        assert_eq!(
            value.downcast_ref::<Pet>().map(|p| p.name.as_str()),
            Some("Rex")
        );
        assert!(value.downcast_ref::<String>().is_none());
        let value = value
            .downcast::<String, PetHeaders>()
            .expect_err("not a String");
        let typed = value.downcast::<Pet, PetHeaders>().expect("a Pet");
        assert_eq!(typed.into_inner().name, "Rex");
    }

    #[test]
    fn each_kind_of_response_is_told_apart() {
        let error = Decoded::from_result(decode(raw(404, r#""gone""#))).expect("decoded");
        let Decoded::ErrorResponse(value) = &error else {
            panic!("expected an error response, got {error:?}")
        };
        assert_eq!(
            value.downcast_ref::<String>().map(String::as_str),
            Some("gone")
        );

        let unexpected = Decoded::from_result(decode(raw(503, "later"))).expect("decoded");
        let Decoded::UnexpectedResponse(response) = &unexpected else {
            panic!("expected an unexpected response, got {unexpected:?}")
        };
        assert_eq!(&response.body()[..], b"later");
        assert_eq!(unexpected.status().as_u16(), 503);

        let invalid = Decoded::from_result(decode(raw(200, r#"{"nom":"Rex"}"#))).expect("decoded");
        let Decoded::InvalidResponsePayload { response, error } = &invalid else {
            panic!("expected an invalid payload, got {invalid:?}")
        };
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            error.to_string().contains("missing field `name`"),
            "{error}"
        );
    }

    #[test]
    fn failures_without_a_response_are_handed_back() {
        let result: Decoder = Err(Error::InvalidRequest("no body".into()));
        let back = Decoded::from_result(result).expect_err("no response");
        assert!(matches!(back, Error::InvalidRequest(message) if message == "no body"));
    }
}
