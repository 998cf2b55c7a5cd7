//! What `--fix` would change in a log, shown as a unified diff.

use crate::source::escape_unsafe;

/// A unified diff of a log before and after fixing, for review: a hunk per
/// group of changed lines, with three lines of context, as `diff -u` writes
/// it (a fix never adds or removes lines). It is shown, not applied: the
/// characters a terminal must not receive are escaped and line ends are not
/// shown (`--fix` keeps them all).
pub fn unified_diff(name: &str, old: &[u8], new: &[u8]) -> String {
    const CONTEXT: usize = 3;
    let old_lines: Vec<&[u8]> = old.split_inclusive(|&b| b == b'\n').collect();
    let new_lines: Vec<&[u8]> = new.split_inclusive(|&b| b == b'\n').collect();
    let changed: Vec<usize> = (0..old_lines.len())
        .filter(|&i| old_lines.get(i) != new_lines.get(i))
        .collect();
    if changed.is_empty() {
        return String::new();
    }
    let name = escape_unsafe(name);
    let mut out = format!("--- {name}\n+++ {name}\n");
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        match groups.last_mut() {
            Some((_, end)) if i <= *end + 2 * CONTEXT => *end = i,
            _ => groups.push((i, i)),
        }
    }
    let text = |line: &[u8]| {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        escape_unsafe(&String::from_utf8_lossy(line))
    };
    for (first, last) in groups {
        let start = first.saturating_sub(CONTEXT);
        let end = (last + CONTEXT + 1).min(old_lines.len());
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            start + 1,
            end - start,
            start + 1,
            end - start
        ));
        let mut i = start;
        while i < end {
            if old_lines[i] == new_lines[i] {
                out.push_str(&format!(" {}\n", text(old_lines[i])));
                i += 1;
                continue;
            }
            // A run of changed lines: the old ones, then the new ones.
            let run_end = (i..end)
                .find(|&j| old_lines[j] == new_lines[j])
                .unwrap_or(end);
            for line in &old_lines[i..run_end] {
                out.push_str(&format!("-{}\n", text(line)));
            }
            for line in &new_lines[i..run_end] {
                out.push_str(&format!("+{}\n", text(line)));
            }
            i = run_end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_shows_each_changed_line_with_its_context() {
        let old = b"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
        let new = b"a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nK\nL\n";
        let diff = unified_diff("x\u{1b}.log", old, new);
        assert_eq!(
            diff,
            "--- x\\u{1b}.log\n+++ x\\u{1b}.log\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n\
             @@ -8,5 +8,5 @@\n h\n i\n j\n-k\n-l\n+K\n+L\n"
        );
        assert_eq!(unified_diff("x.log", old, old), "");
    }
}
