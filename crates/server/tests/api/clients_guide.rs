//! `docs/clients.md` shows only code of the runnable client examples
//! (`examples/bpi-rs`, `tools/compat`), which CI runs against a live server
//! (`tools/compat/run.sh`): a code block after a line
//! `<!-- snippet: <file>#<name> -->` must be the region between that file's
//! `ANCHOR: <name>` and `ANCHOR_END: <name>` comments, dedented.
//! `SIXIN_BLESS=1` rewrites the blocks.

use std::path::{Path, PathBuf};

#[test]
fn the_clients_guide_shows_the_examples_code() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let guide = root.join("docs/clients.md");
    let current = std::fs::read_to_string(&guide).unwrap();
    let rendered = render(&root, &current);
    assert!(
        rendered.matches("<!-- snippet: ").count() >= 10,
        "the guide takes its code from the examples"
    );
    if std::env::var_os("SIXIN_BLESS").is_some() {
        std::fs::write(&guide, &rendered).unwrap();
    }
    let current = std::fs::read_to_string(&guide).unwrap();
    assert!(
        current == rendered,
        "docs/clients.md differs from the examples' code: run \
         `SIXIN_BLESS=1 cargo test -p sixin-server --test api clients_guide`"
    );
}

/// The guide with every marked block replaced by its anchor's region.
fn render(root: &Path, guide: &str) -> String {
    let mut out = String::new();
    let mut lines = guide.lines();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let Some(source) = line
            .trim()
            .strip_prefix("<!-- snippet: ")
            .and_then(|rest| rest.strip_suffix(" -->"))
        else {
            continue;
        };
        let (file, anchor) = source
            .split_once('#')
            .unwrap_or_else(|| panic!("`{line}` names no anchor (file#name)"));
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.starts_with("```"),
            "`{line}` is not followed by a code block"
        );
        out.push_str(fence);
        out.push('\n');
        for old in lines.by_ref() {
            if old.trim_end() == "```" {
                break;
            }
        }
        out.push_str(&region(&root.join(file), anchor));
        out.push_str("```\n");
    }
    out
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name` (without other
/// anchor lines), with their common indentation removed.
fn region(file: &Path, anchor: &str) -> String {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let marker = |line: &str| -> Option<(bool, String)> {
        let comment = line.trim().trim_start_matches("//").trim_start_matches('#');
        let comment = comment.trim();
        if let Some(name) = comment.strip_prefix("ANCHOR_END:") {
            Some((false, name.trim().to_owned()))
        } else {
            comment
                .strip_prefix("ANCHOR:")
                .map(|name| (true, name.trim().to_owned()))
        }
    };
    let mut body = Vec::new();
    let mut inside = false;
    let mut closed = false;
    for line in text.lines() {
        match marker(line) {
            Some((true, name)) if name == anchor => inside = true,
            Some((false, name)) if name == anchor => {
                closed = inside;
                break;
            }
            Some(_) => {}
            None if inside => body.push(line),
            None => {}
        }
    }
    assert!(
        closed && !body.is_empty(),
        "{} has no region `{anchor}`",
        file.display()
    );
    let indent = body
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    body.iter()
        .map(|line| format!("{}\n", line.get(indent..).unwrap_or("")))
        .collect()
}
