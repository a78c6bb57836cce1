//! TLS for the client the crate builds (feature `rustls`): rustls with ring, server certificates
//! checked against the platform's trust store, as reqwest's own default does.
//!
//! reqwest's `rustls` feature would bring aws-lc-rs, whose C library takes about twice ring's
//! build time on every clean build (BENCHMARKS.md), so the crate builds the configuration
//! itself. Nothing here is process-wide: no default crypto provider is installed.

use std::sync::Arc;

use rustls::ClientConfig;

use crate::error::Error;

/// The configuration the crate's own HTTP client uses: TLS 1.2 and 1.3, no client certificate,
/// and the protocols the HTTP client can speak (ALPN).
pub(crate) fn platform_config() -> Result<ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| Error::Config(format!("cannot load the platform's trust store: {e}")))?;
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("cannot configure TLS: {e}")))?
        .dangerous() // only in name: the verifier is the platform's
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols =
        if cfg!(feature = "http2") { vec![b"h2".to_vec(), b"http/1.1".to_vec()] } else { vec![b"http/1.1".to_vec()] };
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::crypto::CryptoProvider;

    #[test]
    fn the_platform_config_uses_ring_and_offers_what_the_client_speaks() {
        let config = platform_config().unwrap();
        let ring = rustls::crypto::ring::default_provider();
        let suites = |p: &CryptoProvider| p.cipher_suites.iter().map(|s| s.suite()).collect::<Vec<_>>();
        assert_eq!(suites(config.crypto_provider()), suites(&ring));
        assert!(config.crypto_provider().cipher_suites.iter().any(|s| s.version() == &rustls::version::TLS13));
        assert!(config.crypto_provider().cipher_suites.iter().any(|s| s.version() == &rustls::version::TLS12));
        let alpn: Vec<&[u8]> = config.alpn_protocols.iter().map(Vec::as_slice).collect();
        if cfg!(feature = "http2") {
            assert_eq!(alpn, [&b"h2"[..], b"http/1.1"]);
        } else {
            assert_eq!(alpn, [&b"http/1.1"[..]]);
        }
    }
}
