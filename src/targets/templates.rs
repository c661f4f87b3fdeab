//! The minijinja templates of the targets (`targets/<target>/…` in the
//! repository, embedded in the binary), and the vendor's overrides.
//!
//! Templates present; they receive data prepared in Rust from the IR and
//! never see survey source. A folder given with `--templates DIR` (or
//! `templates:` in `lomake.yaml`) overrides any template by its path relative
//! to `targets/`: `DIR/form/page.html` replaces `targets/form/page.html`.
//! Templates the folder does not have come from the built-in set.

use std::path::{Path, PathBuf};

use minijinja::{Environment, Error, ErrorKind};

/// The built-in templates, by name (`<target>/<file>`), from every target.
pub fn builtin() -> impl Iterator<Item = (&'static str, &'static str)> {
    super::form::TEMPLATES
        .iter()
        .chain(super::codebook::TEMPLATES.iter())
        .chain(super::review::TEMPLATES.iter())
        .copied()
}

/// A template environment: overrides first, then the built-in templates.
pub fn environment(overrides: Option<&Path>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    let dir: Option<PathBuf> = overrides.map(Path::to_path_buf);
    env.set_loader(move |name: &str| load(dir.as_deref(), name));
    env
}

fn load(dir: Option<&Path>, name: &str) -> Result<Option<String>, Error> {
    if let Some(dir) = dir {
        // Names are paths relative to the folder; never outside it.
        let safe = !name.is_empty()
            && name.split('/').all(|part| {
                !part.is_empty() && part != "." && part != ".." && !part.contains('\\')
            });
        if safe {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => return Ok(Some(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(Error::new(
                        ErrorKind::InvalidOperation,
                        format!("cannot read template {}: {e}", path.display()),
                    ));
                }
            }
        }
    }
    Ok(builtin()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_win_and_stay_inside_their_folder() {
        let dir = std::env::temp_dir().join(format!("lomake-templates-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("x")).unwrap();
        std::fs::write(dir.join("x/t.txt"), "override {{ a }}").unwrap();
        let env = environment(Some(&dir));
        let t = env.get_template("x/t.txt").unwrap();
        assert_eq!(
            t.render(minijinja::context! { a => 1 }).unwrap(),
            "override 1"
        );
        assert!(env.get_template("../x/t.txt").is_err());
        assert!(env.get_template("x/none.txt").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
