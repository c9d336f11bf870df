//! AutoMTLS: the server side of go-plugin's mutual TLS.
//!
//! Terraform generates a throwaway self-signed client certificate (ECDSA
//! P-521, marked as a CA) and hands it to us in `PLUGIN_CLIENT_CERT`. We answer
//! with our own throwaway self-signed certificate in the handshake line;
//! Terraform then trusts exactly that certificate as its root and expects the
//! name `localhost`. Each side pins the other's certificate.
//!
//! Stock verifiers do not fit: webpki refuses a CA certificate used as a leaf,
//! so the client is checked by [`PinnedClientCert`], which compares the
//! presented certificate byte for byte and then lets aws-lc-rs (which, unlike
//! ring, knows P-521) check the handshake signature.

use rustls::DistinguishedName;
use rustls::SignatureScheme;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms, aws_lc_rs};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, ServerConfig};
use std::sync::Arc;

/// The host name Terraform checks our certificate against.
pub const SERVER_NAME: &str = "localhost";

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("PLUGIN_CLIENT_CERT does not hold a PEM certificate: {0}")]
    ClientCertPem(String),
    #[error("could not generate the server certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("could not build the TLS server configuration: {0}")]
    Config(#[from] rustls::Error),
}

/// Our self-signed server certificate and its private key.
pub struct ServerIdentity {
    pub cert: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

impl ServerIdentity {
    /// Generates a fresh key pair and a self-signed certificate for `localhost`.
    ///
    /// Terraform puts this certificate in its root pool and also verifies it as
    /// the server leaf, so it is marked as a CA that may sign certificates and
    /// may also authenticate either end of a TLS connection.
    pub fn generate() -> Result<Self, TlsError> {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
            KeyUsagePurpose,
        };
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut params = CertificateParams::new(vec![SERVER_NAME.to_string()])?;
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, SERVER_NAME);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "terraform-provider-sagemaker");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
            KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        let cert = params.self_signed(&key)?;
        Ok(Self {
            cert: cert.der().clone(),
            key: PrivatePkcs8KeyDer::from(key.serialize_der()),
        })
    }
}

/// Parses the PEM text Terraform passes in `PLUGIN_CLIENT_CERT`.
pub fn parse_client_cert(pem: &str) -> Result<CertificateDer<'static>, TlsError> {
    CertificateDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| TlsError::ClientCertPem(e.to_string()))
}

/// The crypto provider used for everything: rustls on aws-lc-rs.
fn provider() -> Arc<CryptoProvider> {
    Arc::new(aws_lc_rs::default_provider())
}

/// Builds the rustls server configuration: our identity, the pinned client
/// certificate required, and `h2` as the only ALPN protocol (gRPC clients
/// insist on it).
pub fn server_config(
    identity: &ServerIdentity,
    client_cert: CertificateDer<'static>,
) -> Result<ServerConfig, TlsError> {
    let provider = provider();
    let verifier = PinnedClientCert::new(client_cert, provider.signature_verification_algorithms);
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_single_cert(
            vec![identity.cert.clone()],
            PrivateKeyDer::Pkcs8(identity.key.clone_key()),
        )?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

/// Accepts exactly one client certificate, given up front.
#[derive(Debug)]
pub struct PinnedClientCert {
    expected: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedClientCert {
    pub fn new(expected: CertificateDer<'static>, algorithms: WebPkiSupportedAlgorithms) -> Self {
        Self {
            expected,
            algorithms,
        }
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // No hints: the client has exactly one certificate and should send it.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            tracing::warn!("refused a TLS client whose certificate is not Terraform's");
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_identity_is_a_localhost_ca() {
        let id = ServerIdentity::generate().unwrap();
        let der = id.cert.as_ref();
        // OID 2.5.29.19 (basicConstraints) followed later by cA TRUE.
        let has = |needle: &[u8]| der.windows(needle.len()).any(|w| w == needle);
        assert!(has(&[0x55, 0x1d, 0x13]), "basicConstraints missing");
        assert!(has(&[0x01, 0x01, 0xff]), "cA flag missing");
        assert!(has(b"localhost"));
        // Both server and client authentication EKUs.
        assert!(has(&[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01]));
        assert!(has(&[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02]));
    }

    #[test]
    fn supports_p521_client_signatures() {
        let pinned = PinnedClientCert::new(
            CertificateDer::from(vec![1, 2, 3]),
            provider().signature_verification_algorithms,
        );
        assert!(
            pinned
                .supported_verify_schemes()
                .contains(&SignatureScheme::ECDSA_NISTP521_SHA512)
        );
    }

    #[test]
    fn pins_exact_bytes() {
        let pinned = PinnedClientCert::new(
            CertificateDer::from(vec![1, 2, 3]),
            provider().signature_verification_algorithms,
        );
        let now = UnixTime::now();
        assert!(
            pinned
                .verify_client_cert(&CertificateDer::from(vec![1, 2, 3]), &[], now)
                .is_ok()
        );
        assert!(
            pinned
                .verify_client_cert(&CertificateDer::from(vec![1, 2, 4]), &[], now)
                .is_err()
        );
    }

    #[test]
    fn bad_pem_is_reported() {
        assert!(matches!(
            parse_client_cert("not a certificate"),
            Err(TlsError::ClientCertPem(_))
        ));
    }
}
