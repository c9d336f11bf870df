//! Tests for name validation and derivation.

use super::*;

// AWS's rules for the names this module derives: test oracles only, since
// the resource validates just the endpoint name (the rest are derived).

/// Validates a SageMaker endpoint config name.
fn validate_endpoint_config_name(name: &str) -> Result<(), String> {
    check_sagemaker_name("endpoint config name", name)
}

/// Validates a production variant name.
fn validate_variant_name(name: &str) -> Result<(), String> {
    check_sagemaker_name("variant name", name)
}

/// Validates a SageMaker model name.
fn validate_model_name(name: &str) -> Result<(), String> {
    check_sagemaker_name("model name", name)
}

/// A name of 1 to `max` characters, each one `allowed`; `kind` and `rule`
/// word the error.
fn check_charset(
    kind: &str,
    name: &str,
    max: usize,
    allowed: fn(char) -> bool,
    rule: &str,
) -> Result<(), String> {
    if let Some(c) = name.chars().find(|c| !allowed(*c)) {
        Err(format!("{kind} {name:?} contains {c:?}; expected {rule}"))
    } else if name.is_empty() || name.len() > max {
        Err(format!(
            "{kind} {name:?} is {} characters long; expected {rule}",
            name.len()
        ))
    } else {
        Ok(())
    }
}

/// Validates an IAM role name: 1 to 64 characters from `[A-Za-z0-9_+=,.@-]`.
fn validate_role_name(name: &str) -> Result<(), String> {
    let rule = "1 to 64 characters: letters, digits and _+=,.@-";
    check_charset("IAM role name", name, MAX_ROLE_NAME, is_iam_char, rule)
}

/// Validates an SNS topic name: 1 to 256 characters from `[A-Za-z0-9_-]`.
fn validate_topic_name(name: &str) -> Result<(), String> {
    let rule = "1 to 256 characters: letters, digits, hyphens and underscores";
    check_charset("SNS topic name", name, MAX_TOPIC_NAME, is_topic_char, rule)
}

const HASH: &str = "0123456789abcdef";

/// Endpoint names of every length from 1 to 63 in several shapes, all valid.
fn sample_endpoints() -> Vec<String> {
    let mut out = Vec::new();
    for len in 1..=MAX_SAGEMAKER_NAME {
        out.push("a".repeat(len));
        out.push(
            (0..len)
                .map(|i| if i % 2 == 1 && i + 1 < len { '-' } else { 'Z' })
                .collect::<String>(),
        );
        if len >= 3 {
            // Hyphens right where a cut may fall.
            let mut s: String = (0..len)
                .map(|i| char::from(b'0' + (i % 10) as u8))
                .collect();
            for cut in [53, 54, 55] {
                if cut < len - 1 {
                    s.replace_range(cut..cut + 1, "-");
                }
            }
            out.push(s);
            out.push(format!("x{}y", "-".repeat(len - 2)));
        }
    }
    for name in &out {
        assert!(validate_endpoint_name(name).is_ok(), "{name}");
    }
    out
}

#[test]
fn sagemaker_names_accepted() {
    let max = "a".repeat(63);
    for ok in [
        "a",
        "Z",
        "7",
        "ab",
        "a-b",
        "a--b",
        "A1-b2-C3",
        "llm-endpoint",
        max.as_str(),
    ] {
        assert_eq!(validate_endpoint_name(ok), Ok(()), "{ok}");
        assert_eq!(validate_endpoint_config_name(ok), Ok(()), "{ok}");
        assert_eq!(validate_variant_name(ok), Ok(()), "{ok}");
        assert_eq!(validate_model_name(ok), Ok(()), "{ok}");
    }
}

#[test]
fn sagemaker_names_rejected_with_the_reason() {
    let cases: &[(&str, &str)] = &[
        ("", "it is empty"),
        ("-a", "starts with a hyphen"),
        ("a-", "ends with a hyphen"),
        ("-", "starts with a hyphen"),
        ("a_b", "contains '_' at position 2"),
        ("a.b", "contains '.' at position 2"),
        ("my endpoint", "contains ' ' at position 3"),
        ("caf\u{e9}", "contains '\u{e9}' at position 4"),
    ];
    for (bad, why) in cases {
        let msg = validate_endpoint_name(bad).unwrap_err();
        assert!(msg.contains(why), "{bad:?}: {msg}");
        assert!(msg.starts_with("endpoint name"), "{msg}");
        assert!(msg.contains("expected 1 to 63 characters"), "{msg}");
    }
    let too_long = "a".repeat(64);
    let msg = validate_model_name(&too_long).unwrap_err();
    assert!(
        msg.starts_with("model name") && msg.contains("64 characters long"),
        "{msg}"
    );
    assert!(
        validate_endpoint_config_name("x_y")
            .unwrap_err()
            .starts_with("endpoint config name")
    );
    assert!(
        validate_variant_name("-")
            .unwrap_err()
            .starts_with("variant name")
    );
}

#[test]
fn iam_and_sns_name_rules() {
    assert!(validate_role_name("sm-a_b+c=d,e.f@g-h").is_ok());
    assert!(validate_role_name(&"r".repeat(64)).is_ok());
    assert!(
        validate_role_name(&"r".repeat(65))
            .unwrap_err()
            .contains("65 characters")
    );
    assert!(validate_role_name("").is_err());
    assert!(validate_role_name("a/b").unwrap_err().contains("'/'"));
    assert!(validate_topic_name("sm-ep_1-async-error").is_ok());
    assert!(validate_topic_name(&"t".repeat(256)).is_ok());
    assert!(validate_topic_name(&"t".repeat(257)).is_err());
    assert!(validate_topic_name("a.b").unwrap_err().contains("'.'"));
    assert!(validate_topic_name("").is_err());
}

#[test]
fn content_hash_is_stable_and_unambiguous() {
    let h = content_hash(&["model-v1", "us-east-1"]);
    assert_eq!(h.len(), 16);
    assert!(
        h.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(h, content_hash(&["model-v1", "us-east-1"]));
    // Golden value: changing the scheme would rename deployed objects.
    assert_eq!(content_hash(&["a", "b"]), "b4ca2c4342080939");
    assert_ne!(content_hash(&["ab", "c"]), content_hash(&["a", "bc"]));
    assert_ne!(content_hash(&[]), content_hash(&[""]));
    assert_ne!(content_hash(&["", ""]), content_hash(&[""]));
    assert_ne!(content_hash(&["x"]), content_hash(&["y"]));
}

#[test]
fn model_and_config_names() {
    assert_eq!(model_name("llm-endpoint", HASH), "llm-endpoint-01234567");
    assert_eq!(
        endpoint_config_name("llm-endpoint", "ABCDEF0123"),
        "llm-endpoint-abcdef01"
    );
    // Stable, and different content gives a different name.
    let h1 = content_hash(&["config-v1", "ml.inf2.xlarge", "1"]);
    let h2 = content_hash(&["config-v1", "ml.inf2.xlarge", "2"]);
    assert_eq!(
        endpoint_config_name("ep", &h1),
        endpoint_config_name("ep", &h1)
    );
    assert_ne!(
        endpoint_config_name("ep", &h1),
        endpoint_config_name("ep", &h2)
    );
    assert_ne!(model_name("ep-a", &h1), model_name("ep-b", &h1));
    // A caller hash that cannot be used verbatim is hashed, still 8 chars.
    let odd = model_name("ep", "a_b");
    assert_eq!(odd.len(), "ep-".len() + 8);
    assert!(validate_model_name(&odd).is_ok());
    assert_ne!(model_name("ep", "a_b"), model_name("ep", "a_c"));
}

#[test]
fn names_of_a_63_character_endpoint() {
    let long = "e".repeat(63);
    let name = model_name(&long, HASH);
    assert_eq!(name.len(), 63);
    assert!(validate_model_name(&name).is_ok());
    assert!(name.starts_with(&"e".repeat(54)));
    // Two long endpoints that share 54 characters still get distinct names.
    let other = format!("{}f", "e".repeat(62));
    assert_ne!(model_name(&other, HASH), name);
    assert_ne!(
        endpoint_config_name(&other, HASH),
        endpoint_config_name(&long, HASH)
    );
    // The content hash still matters after shortening.
    assert_ne!(model_name(&long, "fedcba9876543210"), name);
    // A hyphen at the cut is trimmed, never doubled or left at the end.
    let hyphen_at_cut = format!("{}-{}", "a".repeat(53), "b".repeat(9));
    let name = endpoint_config_name(&hyphen_at_cut, HASH);
    assert!(validate_endpoint_config_name(&name).is_ok(), "{name}");
    assert!(name.starts_with(&format!("{}-", "a".repeat(53))) && !name.contains("--"));
    // 54 characters fit exactly without shortening.
    let fits = "k".repeat(54);
    assert_eq!(model_name(&fits, HASH), format!("{fits}-01234567"));
}

#[test]
fn every_derived_name_is_valid() {
    for ep in sample_endpoints() {
        for hash in [HASH, "x", "", "ABCDEFGH"] {
            let m = model_name(&ep, hash);
            assert!(validate_model_name(&m).is_ok(), "{ep} -> {m}");
            assert_eq!(m, model_name(&ep, hash));
            let c = endpoint_config_name(&ep, hash);
            assert!(validate_endpoint_config_name(&c).is_ok(), "{ep} -> {c}");
        }
        for region in [
            "us-east-1",
            "ap-southeast-2",
            "cn-northwest-1",
            "us-gov-west-1",
        ] {
            let r = role_name(&ep, region);
            assert!(validate_role_name(&r).is_ok(), "{ep} -> {r}");
            assert!(r.contains(region), "{r}");
            assert_eq!(r, role_name(&ep, region));
        }
        for kind in [TopicKind::Success, TopicKind::Error] {
            let t = topic_name(&ep, kind);
            assert!(validate_topic_name(&t).is_ok(), "{ep} -> {t}");
        }
    }
}

#[test]
fn invalid_endpoints_still_give_valid_names() {
    for ep in [
        "",
        "-",
        "a_b",
        "--x--",
        "caf\u{e9}",
        &"z".repeat(300),
        "a.b/c",
    ] {
        let m = model_name(ep, HASH);
        assert!(validate_model_name(&m).is_ok(), "{ep:?} -> {m}");
        let r = role_name(ep, "us-east-1");
        assert!(validate_role_name(&r).is_ok(), "{ep:?} -> {r}");
        let t = topic_name(ep, TopicKind::Error);
        assert!(validate_topic_name(&t).is_ok(), "{ep:?} -> {t}");
    }
    // Endpoints that sanitise alike do not collide.
    assert_ne!(model_name("a_b", HASH), model_name("a.b", HASH));
    assert_ne!(role_name("a/b", "us-east-1"), role_name("a:b", "us-east-1"));
    assert_ne!(
        topic_name("a.b", TopicKind::Success),
        topic_name("a:b", TopicKind::Success)
    );
    let r = role_name("ep", &"r".repeat(100));
    assert!(validate_role_name(&r).is_ok(), "{r}");
}

#[test]
fn role_names() {
    assert_eq!(
        role_name("llm-endpoint", "us-east-1"),
        "sm-llm-endpoint-us-east-1"
    );
    assert_ne!(role_name("ep", "us-east-1"), role_name("ep", "us-west-2"));
    let long = "e".repeat(63);
    let r = role_name(&long, "ap-southeast-2");
    assert_eq!(r.len(), 64);
    assert!(
        r.starts_with("sm-eee") && r.contains("-ap-southeast-2-"),
        "{r}"
    );
    let other = format!("{}f", "e".repeat(62));
    assert_ne!(role_name(&other, "ap-southeast-2"), r);
    assert_ne!(role_name(&long, "ap-southeast-1"), r);
    // The longest name that fits is used verbatim.
    let fits = "f".repeat(64 - "sm--us-east-1".len());
    assert_eq!(role_name(&fits, "us-east-1").len(), 64);
    assert_eq!(
        role_name(&fits, "us-east-1"),
        format!("sm-{fits}-us-east-1")
    );
}

#[test]
fn topic_names() {
    assert_eq!(
        topic_name("llm", TopicKind::Success),
        "sm-llm-async-success"
    );
    assert_eq!(topic_name("llm", TopicKind::Error), "sm-llm-async-error");
    let long = "e".repeat(63);
    assert_eq!(
        topic_name(&long, TopicKind::Error),
        format!("sm-{long}-async-error")
    );
    let huge = "h".repeat(400);
    let t = topic_name(&huge, TopicKind::Success);
    assert!(
        t.len() <= MAX_TOPIC_NAME && t.ends_with("-async-success"),
        "{t}"
    );
}

#[test]
fn scaling_names() {
    assert_eq!(
        scaling_resource_id("llm", "AllTraffic"),
        "endpoint/llm/variant/AllTraffic"
    );
    let tt = scaling_policy_name("llm", ScalingPolicyKind::TargetTracking);
    let zero = scaling_policy_name("llm", ScalingPolicyKind::ScaleFromZero);
    assert_eq!(tt, "sm-llm-target-tracking");
    assert_eq!(zero, "sm-llm-scale-from-zero");
    assert_eq!(backlog_alarm_name("llm"), "sm-llm-backlog-without-capacity");
    // The longest endpoint name still gives names within the 255 limit.
    let long = "e".repeat(63);
    assert!(backlog_alarm_name(&long).len() <= 255);
}
