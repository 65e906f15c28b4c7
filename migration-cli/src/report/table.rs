//! A table of the report before it is HTML or Markdown: its columns and its cells, each cell
//! saying what it holds (a record, a machine name, a figure and its tone…) rather than how it
//! looks. Each renderer has one function that turns any [`Table`] into its markup.

/// How a figure or a label reads: the colour a renderer gives it, where it has colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    /// Nothing to point out.
    Plain,
    /// As it should be.
    Good,
    /// Worth a look.
    Warn,
    /// Something went wrong.
    Bad,
    /// Nothing there.
    Muted,
}

impl Tone {
    /// `bad` when `value` is not 0, else plain: a count of things that went wrong.
    pub(crate) fn bad_if(value: u64) -> Self {
        if value > 0 {
            Tone::Bad
        } else {
            Tone::Plain
        }
    }

    /// `warn` when `value` is not 0, else plain: a count of things to look at.
    pub(crate) fn warn_if(value: u64) -> Self {
        if value > 0 {
            Tone::Warn
        } else {
            Tone::Plain
        }
    }

    /// The tone's name (`plain`, `good`…), as the page's style sheet spells it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Tone::Plain => "plain",
            Tone::Good => "good",
            Tone::Warn => "warn",
            Tone::Bad => "bad",
            Tone::Muted => "muted",
        }
    }
}

/// What a column holds, which decides how it is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    /// Words: left-aligned.
    Text,
    /// Figures: right-aligned.
    Figure,
    /// A bar showing each row's share (only where bars can be drawn).
    Meter,
}

/// One column: its title and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Column {
    /// The heading.
    pub title: &'static str,
    /// What the column holds.
    pub kind: ColumnKind,
    /// For a column of [`Cell::Pair`]: the heading of the second value, which a renderer
    /// shows as a column of its own or under the first value.
    pub second: Option<&'static str>,
}

impl Column {
    /// A column of words.
    pub(crate) const fn text(title: &'static str) -> Self {
        Self {
            title,
            kind: ColumnKind::Text,
            second: None,
        }
    }

    /// A column of figures.
    pub(crate) const fn figure(title: &'static str) -> Self {
        Self {
            title,
            kind: ColumnKind::Figure,
            second: None,
        }
    }

    /// A column of bars.
    pub(crate) const fn meter() -> Self {
        Self {
            title: "",
            kind: ColumnKind::Meter,
            second: None,
        }
    }

    /// A column of two values, titled `first` and `second`.
    pub(crate) const fn pair(first: &'static str, second: &'static str) -> Self {
        Self {
            title: first,
            kind: ColumnKind::Text,
            second: Some(second),
        }
    }
}

/// One cell: its text and what kind of thing the text is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Words, often from customer records.
    Text(String),
    /// A file's name, which may break anywhere to fit.
    FileName(String),
    /// A record's name (`ticket 10433`), kept on one line.
    Record(String),
    /// A record and the Intercom record it became (see [`Column::pair`]).
    Pair(String, String),
    /// A machine name: a reason code, an operation, a field.
    Code(String),
    /// A figure, coloured whole by its tone.
    Figure(String, Tone),
    /// A figure with its verdict: the text takes the tone, the cell stays plain.
    Verdict(String, Tone),
    /// A severity, by its wire name (`error`, `warning`, `info`).
    Severity(String),
    /// A value the source holds, as compact JSON.
    Expected(String),
    /// A value the destination holds, as compact JSON.
    Found(String),
    /// Text read back from the destination.
    Excerpt(String),
    /// A share of the whole, in percent, drawn as a bar.
    Meter(f64),
}

/// How a renderer may style a table beyond its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableKind {
    /// Records and figures.
    Records,
    /// Expected and found values side by side: wide, so given room.
    Comparison,
    /// A few short rows beside other figures: tight.
    Compact,
}

/// A table: its columns, then its rows, each a cell per column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    /// How it may be styled.
    pub kind: TableKind,
    /// The columns, in order.
    pub columns: Vec<Column>,
    /// The rows, in order.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table of records with `columns`.
    pub(crate) fn new(columns: Vec<Column>) -> Self {
        Self {
            kind: TableKind::Records,
            columns,
            rows: Vec::new(),
        }
    }

    /// The same table, styled as `kind`.
    pub(crate) fn of_kind(mut self, kind: TableKind) -> Self {
        self.kind = kind;
        self
    }

    /// Adds a row.
    pub(crate) fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }
}
