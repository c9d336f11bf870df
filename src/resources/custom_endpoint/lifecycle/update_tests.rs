//! Unit tests for `update`: classifying a change (model, variant, tags)
//! and reading the prior state leniently.

use std::collections::BTreeMap;

use super::desired::Desired;
use super::update::*;
use crate::resources::custom_endpoint::lifecycle::desired::Place;
use crate::resources::custom_endpoint::testutil::*;
use crate::tfplugin::Value;

fn desired(v: &Value) -> Desired {
    let defaults = BTreeMap::new();
    let place = Place {
        region: "us-east-1",
        account_id: "123456789012",
        default_tags: &defaults,
    };
    Desired::from_state(v, &place).unwrap()
}

#[test]
fn classifies_model_variant_and_tag_changes() {
    let base = before(&desired(&valid_config()));
    assert_eq!(
        classify(&base, &desired(&valid_config())),
        Changes::default()
    );

    let variant = desired(&with(valid_config(), &["instance_count"], n(2)));
    let c = classify(&base, &variant);
    assert!(c.new_config && !c.new_model && !c.endpoint_tags);
    assert!(!c.model_tags && !c.config_tags);

    let model = desired(&with(valid_config(), &["environment"], map(&[("A", "1")])));
    let c = classify(&base, &model);
    assert!(c.new_model && c.new_config);

    let tagged = desired(&with(valid_config(), &["tags"], map(&[("team", "x")])));
    let c = classify(&base, &tagged);
    assert!(!c.new_model && !c.new_config);
    assert!(c.endpoint_tags && c.model_tags && c.config_tags);

    // modelId is a tag of the model and the endpoint, not the config.
    let renamed = desired(&with(valid_config(), &["model_id"], s("other/model")));
    let c = classify(&base, &renamed);
    assert!(c.endpoint_tags && c.model_tags && !c.config_tags && !c.new_model);

    // New objects are created with their tags: no tag calls for them.
    let both = desired(&with(
        with(valid_config(), &["tags"], map(&[("team", "x")])),
        &["instance_type"],
        s("ml.g5.xlarge"),
    ));
    let c = classify(&base, &both);
    assert!(c.new_config && c.endpoint_tags && c.model_tags && !c.config_tags);
}

fn before(d: &Desired) -> Before {
    Before {
        model_name: Some(d.model_name.clone()),
        config_name: Some(d.config_name.clone()),
        base_tags: d.base_tags(),
        model_tags: d.model_tags(),
    }
}

#[test]
fn the_prior_state_is_read_leniently() {
    let d = desired(&valid_config());
    let state = with(valid_config(), &["model_name"], s(&d.model_name));
    let state = with(state, &["endpoint_config_name"], s(&d.config_name));
    let state = with(state, &["tags_all"], map(&[]));
    assert_eq!(Before::from_state(&st(&state)), before(&d));
    // An import without a modelId tag: only tags change, nothing is
    // recreated.
    let imported = with(state, &["model_id"], Value::Null);
    let c = classify(&Before::from_state(&st(&imported)), &d);
    assert!(!c.new_model && !c.new_config && c.endpoint_tags && c.model_tags);
    let c = classify(&Before::default(), &d);
    assert!(c.new_model && c.new_config && c.endpoint_tags);
}
