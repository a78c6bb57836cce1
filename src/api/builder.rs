//! The one shape of the conveniences' request builders: the generated request, what the area
//! keeps beside it, and the call's settings. Each area adds its setters and `send` in an `impl`
//! of its own alias (`RerankRequestBuilder = RequestBuilder<CreateRerankRequest>`); chat's builder,
//! with its stream timeouts and extra fields, is its own.

use std::time::Duration;

use crate::{Client, RetryPolicy};

/// A request being built by a convenience (`client.rerank(..)`, `client.responses(..)`, ...): the
/// generated request `R`, what the area keeps beside it (`S`), and the call's retry policy and
/// timeout. Each area's alias lists its own setters and how it sends.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder<R, S = ()> {
    pub(crate) client: Client,
    pub(crate) request: R,
    // Only Messages and Responses keep something beside the request.
    #[cfg_attr(not(any(feature = "messages", feature = "responses")), allow(dead_code))]
    pub(crate) state: S,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) timeout: Option<Duration>,
}

impl<R, S: Default> RequestBuilder<R, S> {
    pub(crate) fn new(client: &Client, request: R) -> Self {
        RequestBuilder { client: client.clone(), request, state: S::default(), retry: None, timeout: None }
    }
}

impl<R, S> RequestBuilder<R, S> {
    /// The generated request, for any field without a setter here.
    pub fn request_mut(&mut self) -> &mut R {
        &mut self.request
    }

    /// The retry policy for this request only.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The timeout of each attempt of this request (see [`crate::ClientBuilder::timeout`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// A generated operation builder with a convenience builder's retry policy and timeout, if set.
macro_rules! configure {
    ($call:expr, $retry:expr, $timeout:expr) => {{
        let mut call = $call;
        if let Some(retry) = $retry {
            call = call.retry(retry);
        }
        if let Some(timeout) = $timeout {
            call = call.timeout(timeout);
        }
        call
    }};
}
pub(crate) use configure;
