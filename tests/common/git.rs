//! Git in a temporary repository, for the tests of `REV:path` and
//! `--since REV`: a fixed identity, no signing, and no global or system
//! configuration of the machine running the tests.

use std::path::Path;
use std::process::Command;

/// Whether `git` can be run here; says so on stderr when it cannot (the
/// caller then skips its test).
pub fn available() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("git is not installed: skipping");
    }
    ok
}

/// Runs `git ARGS` in `dir`; fails the test with git's message if git fails.
pub fn run(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Lomake Test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
