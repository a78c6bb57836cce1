//! The upstream docs page: its YAML block is the spec, its front matter names where it came from.

use crate::Error;

/// The spec text inside a docs page (the first ```` ```yaml ```` block), byte for byte; text that is
/// not a markdown page (plain YAML or JSON) is returned whole.
pub fn extract_spec(page: &str) -> Result<String, Error> {
    let mut lines = page.split_inclusive('\n');
    if !page.lines().any(|l| l.trim_end() == "```yaml") {
        return Ok(page.to_owned());
    }
    lines.by_ref().find(|l| l.trim_end() == "```yaml");
    let mut spec = String::new();
    for line in lines {
        if line.trim_end() == "```" {
            return Ok(spec);
        }
        spec.push_str(line);
    }
    Err(Error("the page's ```yaml block is not closed".into()))
}

/// The value of `key:` in the page's front matter, if it has one.
pub fn front_matter(page: &str, key: &str) -> Option<String> {
    let front = page.strip_prefix("---\n")?;
    let front = &front[..front.find("\n---")?];
    front.lines().find_map(|l| l.strip_prefix(key)?.strip_prefix(':')).map(|v| v.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "---\ntitle: T\nurl: https://example.test/page.mdx\n---\n\n# T\n\n```yaml\nopenapi: 3.1.1\ninfo: {}\n\n```\n\n```python\nx\n```\n";

    #[test]
    fn takes_the_yaml_block_byte_for_byte() {
        assert_eq!(extract_spec(PAGE).unwrap(), "openapi: 3.1.1\ninfo: {}\n\n");
    }

    #[test]
    fn plain_yaml_or_json_is_taken_whole() {
        assert_eq!(extract_spec("{\"openapi\": \"3.1.0\"}").unwrap(), "{\"openapi\": \"3.1.0\"}");
    }

    #[test]
    fn unclosed_block_is_an_error() {
        assert!(extract_spec("```yaml\nopenapi: 3.1.1\n").is_err());
    }

    #[test]
    fn reads_the_front_matter_url() {
        assert_eq!(front_matter(PAGE, "url").as_deref(), Some("https://example.test/page.mdx"));
        assert_eq!(front_matter(PAGE, "title").as_deref(), Some("T"));
        assert_eq!(front_matter("openapi: 3.1.1", "url"), None);
    }
}
