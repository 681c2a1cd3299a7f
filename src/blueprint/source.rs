//! Source files and locations: turns byte spans from the HCL parser into `file:line:column`.
//!
//! Every expression keeps a handle on the file it came from, so any error raised while evaluating
//! it, even much later during an apply, can still point at the exact line.
//!
//! Some text is generated rather than read: a `*.tf.json` file translated to native syntax, or a
//! block merged from an override file. Such a file carries a source map ([`SourceBuilder`]) so
//! every location in it still names the file and line the user wrote.

use hcl_edit::expr::Expression;
use hcl_edit::Span;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One loaded `*.tf` (or tfvars) file with an index of where its lines start.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown to the user (relative to where infractl was started when possible).
    pub path: PathBuf,
    /// Full text.
    pub text: String,
    line_starts: Vec<usize>,
    /// For generated text: where its stretches were written, sorted by position (empty for a
    /// file read from disk).
    origin: Vec<Piece>,
}

/// A stretch of generated text and the source it stands for.
#[derive(Debug, Clone)]
struct Piece {
    /// Start of the stretch in the generated text.
    at: usize,
    /// The file it was written in.
    file: Arc<SourceFile>,
    /// The range it stands for in that file; offsets past its end are clamped to it.
    range: Range<usize>,
}

impl SourceFile {
    /// Wraps a file's text so spans into it can be turned into line numbers.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Arc<SourceFile> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Arc::new(SourceFile {
            path: path.into(),
            text,
            line_starts,
            origin: Vec::new(),
        })
    }

    /// 1-based line and column of a byte offset (in the file it was written in, for generated
    /// text).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (_, line, col) = self.locate(offset);
        (line, col)
    }

    /// The file, 1-based line and column a byte offset of this text was written at: for text
    /// read from disk, this file; for generated text, wherever its source map points.
    pub fn locate(&self, offset: usize) -> (&Path, usize, usize) {
        let i = self.origin.partition_point(|p| p.at <= offset);
        match i.checked_sub(1).map(|i| &self.origin[i]) {
            Some(piece) => {
                let inner = (piece.range.start + (offset - piece.at)).min(piece.range.end);
                piece.file.locate(inner)
            }
            None => {
                let (line, col) = self.own_line_col(offset);
                (&self.path, line, col)
            }
        }
    }

    /// The byte offset of a 1-based line and column (counted in characters) of this text, as
    /// parsers report positions.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        self.text[start..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(self.text.len(), |(i, _)| start + i)
    }

    fn own_line_col(&self, offset: usize) -> (usize, usize) {
        // A source map's clamped offset can fall inside a character: count from its start.
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let col = self.text[self.line_starts[line]..offset].chars().count();
        (line + 1, col + 1)
    }

    /// Directory holding the file.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// A place in a source file.
#[derive(Debug, Clone)]
pub struct Loc {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Byte range of the construct.
    pub span: Range<usize>,
}

impl Loc {
    /// A location from an optional span; parser-created nodes always have one.
    pub fn new(file: &Arc<SourceFile>, span: Option<Range<usize>>) -> Loc {
        Loc {
            file: file.clone(),
            span: span.unwrap_or(0..0),
        }
    }

    /// 1-based line number.
    pub fn line(&self) -> usize {
        self.file.line_col(self.span.start).0
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, line, col) = self.file.locate(self.span.start);
        write!(f, "{}:{line}:{col}", path.display())
    }
}

/// Builds generated text piece by piece, remembering where each piece was written so that
/// locations in the result point back at the user's files.
#[derive(Debug, Default)]
pub struct SourceBuilder {
    text: String,
    origin: Vec<Piece>,
}

impl SourceBuilder {
    /// An empty text.
    pub fn new() -> SourceBuilder {
        SourceBuilder::default()
    }

    /// Appends `text`, which stands for `range` of `file`: offsets inside it map to the same
    /// distance into the range (clamped to its end), exact when `text` is a copy of it.
    pub fn push(&mut self, text: &str, file: &Arc<SourceFile>, range: Range<usize>) {
        if text.is_empty() {
            return;
        }
        self.origin.push(Piece {
            at: self.text.len(),
            file: file.clone(),
            range,
        });
        self.text.push_str(text);
    }

    /// Appends a verbatim copy of `range` of `file`.
    pub fn copy(&mut self, file: &Arc<SourceFile>, range: Range<usize>) {
        let text = file.text.get(range.clone()).unwrap_or_default();
        self.push(text, file, range);
    }

    /// The generated file; `path` is what its directory and messages are relative to.
    pub fn finish(self, path: impl Into<PathBuf>) -> Arc<SourceFile> {
        let file = SourceFile::new(path, self.text);
        let mut file = Arc::try_unwrap(file).expect("a new file has no other handle");
        file.origin = self.origin;
        Arc::new(file)
    }
}

/// An expression together with the file it was written in.
#[derive(Debug, Clone)]
pub struct Expr {
    /// The parsed expression (with spans).
    pub ast: Expression,
    /// Where it was written.
    pub file: Arc<SourceFile>,
}

impl Expr {
    /// Pairs an expression with its file.
    pub fn new(ast: Expression, file: &Arc<SourceFile>) -> Expr {
        Expr {
            ast,
            file: file.clone(),
        }
    }

    /// Location of the whole expression.
    pub fn loc(&self) -> Loc {
        Loc::new(&self.file, self.ast.span())
    }

    /// Location of a sub-expression of this one.
    pub fn loc_of(&self, span: Option<Range<usize>>) -> Loc {
        Loc::new(&self.file, span.or_else(|| self.ast.span()))
    }

    /// The source text of the expression, used in messages.
    pub fn text(&self) -> &str {
        self.ast.span().and_then(|s| self.file.text.get(s)).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_columns() {
        let f = SourceFile::new("a.tf", "ab\ncd\n\nef".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(4), (2, 2));
        assert_eq!(f.line_col(7), (4, 1));
        assert_eq!(f.offset_of(2, 2), 4);
        assert_eq!(f.offset_of(4, 1), 7);
    }

    #[test]
    fn generated_text_points_back_at_its_pieces() {
        let a = SourceFile::new("a.tf.json", "{\n  \"x\": 1\n}\n".into());
        let b = SourceFile::new("b.tf", "\n\nname = 2\n".into());
        let mut g = SourceBuilder::new();
        g.push("x = ", &a, 4..7);
        g.copy(&a, 9..10);
        g.push("\n", &a, 10..10);
        g.copy(&b, 2..10);
        let g = g.finish("a.tf.json");
        assert_eq!(g.text, "x = 1\nname = 2");
        let at = |offset: usize| {
            let (p, l, c) = g.locate(offset);
            format!("{}:{l}:{c}", p.display())
        };
        assert_eq!(at(0), "a.tf.json:2:3");
        assert_eq!(at(4), "a.tf.json:2:8");
        assert_eq!(at(6), "b.tf:3:1");
        assert_eq!(at(13), "b.tf:3:8");
        // Offsets past a piece's source are clamped to its end.
        assert_eq!(at(3), "a.tf.json:2:6");
    }
}
