//! Unit tests of the report model.
use super::*;

fn ps(s: &str) -> PageSize {
    PageSize::parse(s).unwrap()
}

fn container(name: &str, limits: &[(&str, u64)]) -> ContainerHugepages {
    let mut c: ContainerHugepages = serde_json::from_value(serde_json::json!({
        "name": name, "request-mib": {}, "limit-mib": {}
    }))
    .unwrap();
    for (size, mib) in limits {
        c.limit_mib.insert(SizeKey::Size(ps(size)), *mib);
    }
    c
}

#[test]
fn grant_prefers_the_downward_api_of_this_container() {
    let mut hp = Hugepages {
        container: Some("dpdk".into()),
        containers: vec![
            container("dpdk", &[("1Gi", 2048)]),
            container("other", &[("2Mi", 64)]),
        ],
        ..Hugepages::default()
    };
    hp.cgroup_limit_mib.insert(ps("1Gi"), 4096);
    hp.cgroup_limit_mib.insert(ps("2Mi"), 512);
    hp.cgroup_limit_mib.insert(ps("16Gi"), 0);
    assert_eq!(hp.grant_mib(ps("1Gi")), Some(2048));
    // A size the downward API does not name for this container: the
    // cgroup limit.
    assert_eq!(hp.grant_mib(ps("2Mi")), Some(512));
    assert_eq!(hp.grant_mib(ps("16Gi")), Some(0));
    assert_eq!(hp.grant_mib(ps("32Mi")), None);
    assert_eq!(hp.granted_sizes(), [ps("2Mi"), ps("1Gi")]);
    // Unknown container: the cgroup limits only.
    hp.container = None;
    assert_eq!(hp.grant_mib(ps("1Gi")), Some(4096));
    hp.cgroup_limit_mib.clear();
    assert_eq!(hp.grant_mib(ps("1Gi")), None);
    assert!(hp.granted_sizes().is_empty());
}
