//! `regulint fmt`: the layout of rule files, made uniform.
//!
//! The formatter re-indents lines and nothing else inside them, so it can never change what a
//! file means: each line is indented four spaces per open `{`, `(` or `[` before it (a line
//! that starts by closing one is indented as its opener), a line that continues an expression
//! (starting with `|`, `and`, `or`, `+`, `*`, `/`, a comparison or `.`) one more; trailing
//! whitespace is dropped, runs of blank lines become one, the file ends with one newline.
//! `"""` doc blocks are kept exactly as written. Brackets inside strings, regexes and comments
//! do not count. Formatting a formatted file changes nothing.

/// Spaces per level.
const INDENT: &str = "    ";

/// Lexical state carried from one line to the next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Carry {
    Code,
    /// Inside a `"""` doc block.
    LongString,
}

/// The formatted text of a rule file.
#[must_use]
pub fn format(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth: usize = 0;
    let mut carry = Carry::Code;
    let mut blank_run = 0;
    for raw in text.lines() {
        if carry == Carry::LongString {
            // Inside a doc block: the author's layout is the content.
            out.push_str(raw.trim_end_matches('\r'));
            out.push('\n');
            let (new_depth, new_carry) = scan(raw, depth, carry);
            depth = new_depth;
            carry = new_carry;
            continue;
        }
        let line = raw.trim();
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if blank_run > 0 && !out.is_empty() {
            out.push('\n');
        }
        blank_run = 0;
        let closes = line.starts_with(['}', ')', ']']);
        let level = depth.saturating_sub(usize::from(closes)) + usize::from(continues(line));
        for _ in 0..level {
            out.push_str(INDENT);
        }
        out.push_str(line);
        out.push('\n');
        let (new_depth, new_carry) = scan(line, depth, carry);
        depth = new_depth;
        carry = new_carry;
    }
    out
}

/// Whether a line continues the expression of the line before.
fn continues(line: &str) -> bool {
    const STARTS: &[&str] = &[
        "|", "+", "*", "/ ", "==", "!=", "<", ">", "and ", "or ", ".",
    ];
    STARTS.iter().any(|s| line.starts_with(s))
        && !line.starts_with("///")
        && !line.starts_with("//")
}

/// The bracket depth after a line, and whether a doc block is still open.
fn scan(line: &str, mut depth: usize, mut carry: Carry) -> (usize, Carry) {
    let mut chars = line.char_indices().peekable();
    // After an operand `/` divides; elsewhere it opens a regex (as in the grammar).
    let mut after_operand = false;
    let mut word = String::new();
    while let Some((i, c)) = chars.next() {
        if carry == Carry::LongString {
            if line[i..].starts_with("\"\"\"") {
                chars.next();
                chars.next();
                carry = Carry::Code;
                after_operand = true;
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '.' {
            word.push(c);
            after_operand = !super::parser::expects_operand_after(&word);
            continue;
        }
        word.clear();
        match c {
            '"' if line[i..].starts_with("\"\"\"") => {
                chars.next();
                chars.next();
                carry = Carry::LongString;
            }
            '"' | '/' if c == '"' || (!after_operand && !line[i..].starts_with("//")) => {
                // A string or regex, to its closing quote or slash (or the line's end).
                let closer = c;
                while let Some((_, d)) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == closer {
                        break;
                    }
                }
                after_operand = true;
            }
            '/' if line[i..].starts_with("//") => break,
            '{' | '(' | '[' => {
                depth += 1;
                after_operand = false;
            }
            '}' | ')' | ']' => {
                depth = depth.saturating_sub(1);
                after_operand = c != '}';
            }
            c if c.is_whitespace() => {}
            _ => after_operand = false,
        }
    }
    (depth, carry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reindents_blocks_and_continuations() {
        let messy = "rule T001 x {\n  severity error\n\n\n      for c in 表三.columns {\n expect 表三[新收, c] >= 0\n  and true   \n}\nmessage \"{c}\"\n}";
        let formatted = format(messy);
        assert_eq!(
            formatted,
            "rule T001 x {\n    severity error\n\n    for c in 表三.columns {\n        expect 表三[新收, c] >= 0\n            and true\n    }\n    message \"{c}\"\n}\n"
        );
        assert_eq!(format(&formatted), formatted);
    }

    #[test]
    fn brackets_in_text_and_doc_blocks_are_kept() {
        let text = "rule T001 x {\n    doc \"\"\"\n      检查内容：{ 不是代码\n    \"\"\"\n    expect count(find(all_text(), /[{(]/)) >= 0 // {\n    message \"{\"\n}\n";
        assert_eq!(format(text), text);
    }
}
