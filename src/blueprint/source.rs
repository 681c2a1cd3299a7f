//! Source files and locations: turns byte spans from the HCL parser into `file:line:column`.
//!
//! Every expression keeps a handle on the file it came from, so any error raised while evaluating
//! it, even much later during an apply, can still point at the exact line.

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
        })
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let col = self.text[self.line_starts[line]..offset.min(self.text.len())]
            .chars()
            .count();
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
        let (line, col) = self.file.line_col(self.span.start);
        write!(f, "{}:{line}:{col}", self.file.path.display())
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
    }
}
