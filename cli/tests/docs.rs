//! Runs the samples of docs/cli.md, in order, in one temporary directory:
//!
//! - a block whose info string has `file=NAME` is written to that file;
//! - each line of an `sh` block runs in `sh` (lines starting with `cargo` are
//!   skipped) and must exit 0, or N when the line ends with `# exit N`;
//! - a `console` block holds `$ command` lines, each followed by the output it
//!   prints (stdout and stderr together), which must match exactly.
//!
//! The built `contactkit` is first on PATH and the clock is pinned, so outputs repeat.

mod common;

use std::path::Path;
use std::process::Command;

struct Block {
    info: String,
    body: Vec<String>,
    line: usize,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => {
                current = Some(Block {
                    info: info.trim().to_string(),
                    body: Vec::new(),
                    line: i + 1,
                })
            }
            (Some(_), Some("")) => blocks.extend(current.take()),
            (Some(block), _) => block.body.push(line.to_string()),
            (None, None) => {}
        }
    }
    blocks
}

fn shell(dir: &Path, command: &str) -> (i32, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_contactkit"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("{command} 2>&1"))
        .current_dir(dir)
        .env("PATH", path)
        .env("CONTACTKIT_NOW", common::NOW)
        .env_remove("NO_COLOR")
        .output()
        .expect("run sh");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn trimmed(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}

#[test]
fn every_sample_in_the_cli_guide_runs() {
    let guide = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/cli.md");
    let text = std::fs::read_to_string(&guide).expect("docs/cli.md");
    let dir = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for block in blocks(&text) {
        let mut words = block.info.split_whitespace();
        let language = words.next().unwrap_or_default();
        if let Some(name) = words.find_map(|w| w.strip_prefix("file=")) {
            std::fs::write(dir.path().join(name), block.body.join("\n") + "\n").unwrap();
            continue;
        }
        match language {
            "sh" => {
                for command in &block.body {
                    let command = command.trim();
                    if command.is_empty()
                        || command.starts_with('#')
                        || command.starts_with("cargo ")
                    {
                        continue;
                    }
                    let expected = command
                        .rsplit_once("# exit ")
                        .and_then(|(_, code)| code.trim().parse().ok())
                        .unwrap_or(0);
                    let (code, output) = shell(dir.path(), command);
                    assert_eq!(
                        code, expected,
                        "docs/cli.md:{}: `{command}` exited {code}, not {expected}:\n{output}",
                        block.line
                    );
                    ran += 1;
                }
            }
            "console" => {
                let mut steps: Vec<(String, Vec<String>)> = Vec::new();
                for line in &block.body {
                    match line.strip_prefix("$ ") {
                        Some(command) => steps.push((command.to_string(), Vec::new())),
                        None => steps
                            .last_mut()
                            .expect("a console block starts with a $ line")
                            .1
                            .push(line.clone()),
                    }
                }
                for (command, expected) in steps {
                    let (_, output) = shell(dir.path(), &command);
                    let expected = trimmed(&expected.join("\n"));
                    assert!(
                        trimmed(&output) == expected,
                        "docs/cli.md:{}: `{command}` printed\n{output}\n--- but the guide shows\n{expected}",
                        block.line
                    );
                    ran += 1;
                }
            }
            _ => {}
        }
    }
    assert!(ran >= 15, "only {ran} samples ran");
}
