//! The crate's Cargo features and the codegen's areas are one list.

#[test]
fn every_area_is_a_feature_of_the_crate_and_full_enables_them_all() {
    let manifest = include_str!("../../../Cargo.toml");
    let features: toml_lite::Features = toml_lite::features(manifest);
    let areas: Vec<&str> = openrouter_bindings_codegen::areas::AREAS.iter().map(|(area, _)| *area).collect();
    for area in &areas {
        assert!(features.names.iter().any(|f| f == area), "the area `{area}` is not a feature in Cargo.toml");
    }
    assert_eq!(features.full, areas, "`full` must list exactly the areas, in codegen/src/areas.rs order");
}

/// Just enough of Cargo.toml's `[features]` table (no TOML dependency for one test).
mod toml_lite {
    pub struct Features {
        pub names: Vec<String>,
        pub full: Vec<String>,
    }

    pub fn features(manifest: &str) -> Features {
        let table = manifest.split("\n[features]\n").nth(1).expect("a [features] table");
        let table = table.split("\n[").next().unwrap();
        let mut names = Vec::new();
        let mut full = Vec::new();
        for line in table.lines().filter(|l| !l.starts_with('#') && l.contains(" = ")) {
            let (name, value) = line.split_once(" = ").unwrap();
            names.push(name.trim().to_owned());
            if name.trim() == "full" {
                full =
                    value.trim_matches(['[', ']']).split(',').map(|v| v.trim().trim_matches('"').to_owned()).collect();
            }
        }
        Features { names, full }
    }
}

/// The README's features table links each area's operation count to the area's first generated
/// method on `Client`'s docs page, which opens the area's block.
#[test]
fn the_features_table_links_each_area_to_the_first_method_of_its_block() {
    let readme = include_str!("../../../README.md");
    let code = crate::vendored_code();
    for (area, _) in openrouter_bindings_codegen::areas::AREAS {
        let heading = format!("# The `{area}` area");
        let block = code.split(&heading).nth(1).unwrap_or_else(|| panic!("no block headed {heading}"));
        let first = block.split("pub fn ").nth(1).and_then(|rest| rest.split('(').next()).expect("a method");
        let link = format!(
            "[{area}-ops]: https://docs.rs/openrouter-bindings/latest/openrouter_bindings/struct.Client.html#method.{first}"
        );
        assert!(readme.contains(&link), "the README should link `{area}` to `{first}`:\n{link}");
        assert!(readme.contains(&format!("][{area}-ops] |")), "the table row of `{area}` links its count");
    }
}
