//! TLS for the client the crate builds (feature `rustls`): rustls with ring, server certificates
//! checked against the platform's trust store, as reqwest's own default does.
//!
//! reqwest's `rustls` feature would bring aws-lc-rs, whose C library takes about twice ring's
//! build time on every clean build (BENCHMARKS.md), so the crate builds the configuration
//! itself. No default crypto provider is installed. The one thing shared across the process is
//! the platform's verifier ([`platform_verifier`]).

use std::sync::{Arc, OnceLock};

use rustls::{
    ClientConfig,
    crypto::CryptoProvider,
    pki_types::{CertificateDer, pem::PemObject},
};

use crate::{client::root_certificate_error, error::Error};

/// The configuration the crate's own HTTP client uses: TLS 1.2 and 1.3, no client certificate,
/// and the protocols the HTTP client can speak (ALPN). `root_certificates` (PEM texts) are trusted
/// besides the platform's store.
pub(crate) fn platform_config(root_certificates: &[Vec<u8>]) -> Result<ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = if root_certificates.is_empty() {
        platform_verifier(&provider)?
    } else {
        Arc::new(with_extra_roots(parse(root_certificates)?, provider.clone())?.map_err(verifier_error)?)
    };
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("cannot configure TLS: {e}")))?
        .dangerous() // only in name: the verifier is the platform's
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols =
        if cfg!(feature = "http2") { vec![b"h2".to_vec(), b"http/1.1".to_vec()] } else { vec![b"http/1.1".to_vec()] };
    Ok(config)
}

/// The verifier of the platform's store, set up by the first client built and shared by the
/// others: setting it up reads every root certificate of the store (on Linux, the CA bundle and
/// each PEM file of `/etc/ssl/certs`), which every `Client::build` paid again: 3.7 ms a build in a
/// release build here, 33 ms in a debug build (BENCHMARKS.md). A failure is not kept: the next
/// client tries again.
fn platform_verifier(provider: &Arc<CryptoProvider>) -> Result<Arc<rustls_platform_verifier::Verifier>, Error> {
    static VERIFIER: OnceLock<Arc<rustls_platform_verifier::Verifier>> = OnceLock::new();
    if let Some(verifier) = VERIFIER.get() {
        return Ok(verifier.clone());
    }
    let verifier = Arc::new(rustls_platform_verifier::Verifier::new(provider.clone()).map_err(verifier_error)?);
    Ok(VERIFIER.get_or_init(|| verifier).clone())
}

fn verifier_error(error: rustls::Error) -> Error {
    Error::Config(format!("cannot set up certificate verification: {error}"))
}

/// The certificates of each PEM text; a text with none, or with one that does not parse, is an
/// error (a root silently missing would only show as a refused connection).
fn parse(texts: &[Vec<u8>]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let mut certificates = Vec::new();
    for (index, text) in texts.iter().enumerate() {
        let before = certificates.len();
        for certificate in CertificateDer::pem_slice_iter(text) {
            certificates
                .push(certificate.map_err(|e| root_certificate_error(index, &format!("does not parse as PEM: {e}")))?);
        }
        if certificates.len() == before {
            return Err(root_certificate_error(index, "holds no PEM certificate"));
        }
    }
    Ok(certificates)
}

type VerifierResult = Result<rustls_platform_verifier::Verifier, rustls::Error>;

#[cfg(not(target_os = "android"))]
fn with_extra_roots(
    roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<VerifierResult, Error> {
    Ok(rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider))
}

#[cfg(target_os = "android")]
fn with_extra_roots(_: Vec<CertificateDer<'static>>, _: Arc<CryptoProvider>) -> Result<VerifierResult, Error> {
    Err(Error::Config("extra root certificates are not supported on Android's platform verifier".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_platform_config_uses_ring_and_offers_what_the_client_speaks() {
        let config = platform_config(&[]).unwrap();
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

    #[test]
    #[cfg_attr(target_os = "android", ignore = "no extra roots on Android")]
    fn the_platforms_store_is_read_once_for_every_client_and_extra_roots_get_their_own() {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let first = platform_verifier(&provider).unwrap();
        let second = platform_verifier(&Arc::new(rustls::crypto::ring::default_provider())).unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        let ca = include_bytes!("../../tests/fixtures/tls/ca.pem").to_vec();
        let own = Arc::new(with_extra_roots(parse(&[ca]).unwrap(), provider).unwrap().unwrap());
        assert!(!Arc::ptr_eq(&first, &own));
    }
}
