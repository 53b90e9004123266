//! The test vectors in docs/protocol/partner-api.md section 7 are what the code computes: a
//! partner implementing the document can check its own code against them.

use ed25519_dalek::SigningKey;
use steward_core::consent::{jws, signature};

const DOC: &str = include_str!("../../../docs/protocol/partner-api.md");

/// The value the document gives for `name` (a line `name: value` inside section 7's block).
fn vector(name: &str) -> String {
    let section = DOC.split("## 7. Test vectors").nth(1).expect("section 7");
    section
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("the document gives no {name}"))
        .to_owned()
}

#[test]
fn the_request_signature_vector_in_the_document_is_what_the_code_computes() {
    let household = SigningKey::from_bytes(&[7; 32]);
    let body = vector("body");
    let headers = signature::sign(
        &household,
        &vector("target-uri"),
        body.as_bytes(),
        vector("created").parse().expect("a number"),
        &vector("nonce"),
    );
    if std::env::var_os("STEWARD_PRINT_VECTORS").is_some() {
        println!(
            "household: {}",
            signature::key_id(&household.verifying_key())
        );
        println!("Content-Digest: {}", headers.content_digest);
        println!("Signature-Input: {}", headers.signature_input);
        println!("Signature: {}", headers.signature);
    }
    assert_eq!(
        vector("household"),
        signature::key_id(&household.verifying_key())
    );
    assert_eq!(vector("Content-Digest"), headers.content_digest);
    assert_eq!(vector("Signature-Input"), headers.signature_input);
    assert_eq!(vector("Signature"), headers.signature);
    signature::verify(
        "POST",
        &vector("target-uri"),
        signature::CONTENT_TYPE,
        body.as_bytes(),
        &headers,
    )
    .expect("verifies");
}

#[test]
fn the_card_vector_in_the_document_is_what_the_code_computes() {
    let partner = SigningKey::from_bytes(&[1; 32]);
    let card = vector("card payload");
    let token = jws::sign(&partner, card.as_bytes());
    if std::env::var_os("STEWARD_PRINT_VECTORS").is_some() {
        println!(
            "partner publicKey: {}",
            signature::key_id(&partner.verifying_key())
        );
        println!("card JWS: {token}");
    }
    assert_eq!(
        vector("partner publicKey"),
        signature::key_id(&partner.verifying_key())
    );
    assert_eq!(vector("card JWS"), token);
    steward_core::consent::PartnerCard::verify_new(&token).expect("the vector card is valid");
}
