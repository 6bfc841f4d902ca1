//! Command-line arguments. The doc comments are the `--help` text.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Default corpus folder.
pub const DEFAULT_CORPUS: &str = "corpus";
/// Default index folder.
pub const DEFAULT_INDEX: &str = "index";

/// Full-text search over a folder of documents, passage by passage, with
/// phrase-aware highlighted snippets.
#[derive(Debug, Parser)]
#[command(name = "cita", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build or update the index from the corpus folder: only new, changed
    /// and deleted files are processed (text, Markdown, HTML, JSON Lines,
    /// PDF, DOCX, ODT, EPUB, e-mail and mailboxes, saved web pages (MHTML), ZIP and tar archives,
    /// page images through OCR).
    Index(IndexArgs),
    /// Search the index. Exit status: 0 some hit, 1 no hit, 2 error.
    Search(SearchArgs),
    /// Show the number of documents and passages and the index size.
    Stats(StatsArgs),
    /// Read every file of the index whole and check it against its
    /// checksum (searches check only what they read). Exit status: 0 every
    /// checksum holds, 2 damaged (the line names the files) or unreadable.
    Check(StatsArgs),
    /// Serve the HTTP JSON API and the search page (read-only) until Ctrl-C.
    Serve(ServeArgs),
    /// Print one passage by id, with its metadata and context. Exit status:
    /// 0 found, 1 no such id, 2 error.
    Show(ShowArgs),
    /// Count matching passages per year or month (and per source) as a bar
    /// chart, JSON or CSV rows.
    Timeline(TimelineArgs),
    /// Concordance: one line per occurrence, the match in an aligned centre
    /// column between left and right context.
    Kwic(KwicArgs),
    /// Run one query per line of a file (blank lines and # comments
    /// skipped); write query × hit rows as CSV or JSON Lines, a per-query
    /// summary on stderr. Exit status: 0 some query hit, 1 none, 2 unreadable file.
    Batch(BatchArgs),
}

/// Which index to search and which passages to consider: shared by every
/// searching command.
#[derive(Debug, Args)]
pub struct Filters {
    /// Index folder [default: index, built from ./corpus on first use].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Only documents published on or after DATE (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only documents published on or before DATE (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only passages in language CODE (ISO 639-1: es, en, pt…); repeatable,
    /// or comma-separated.
    #[arg(long = "lang", value_name = "CODE", value_delimiter = ',')]
    pub languages: Vec<String>,
    /// Only documents of this publication: its whole name as written, as
    /// the facets list it (`publication:WORD` in a query matches its words).
    #[arg(long, value_name = "NAME")]
    pub publication: Option<String>,
    /// Only documents by this author: the whole name as written, as the
    /// facets list it (a mail's sender with the address; `author:WORD` in
    /// a query matches its words).
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
}

/// The `--mentions` filter of `search`, `kwic` and `batch`.
#[derive(Debug, Args)]
pub struct MentionsFilter {
    /// Only passages that mention a year in YEARS (1964, or 1960..1969),
    /// whatever their publication date.
    #[arg(long, value_name = "YEARS")]
    pub mentions: Option<String>,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Folder of documents to index.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_CORPUS)]
    pub corpus: PathBuf,
    /// Folder to write the index to.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_INDEX)]
    pub index: PathBuf,
    /// Leave out files and folders matching GLOB (relative to the corpus,
    /// gitignore syntax); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Fail (exit 2) if any file was skipped, after indexing the rest.
    #[arg(long)]
    pub strict: bool,
    /// Read and index every file again, ignoring what the last run recorded.
    #[arg(long)]
    pub rebuild: bool,
    /// Language (ISO 639-1 code) of documents that declare none and whose
    /// language cannot be detected [default: the one the index was last
    /// given; en for a new index].
    #[arg(long, value_name = "CODE")]
    pub default_lang: Option<String>,
    /// Threads reading and splitting files [default: all cores].
    #[arg(allow_negative_numbers = true, short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: Option<u32>,
    /// Memory budget of the index writer, in MB (at least 15).
    #[arg(allow_negative_numbers = true, long, value_name = "MB", default_value_t = cita::indexer::DEFAULT_MEMORY_MB, value_parser = clap::value_parser!(u32).range(15..))]
    pub memory: u32,
    /// Commit after every MB of changed files read (a crash loses at most one batch).
    #[arg(allow_negative_numbers = true, long, value_name = "MB", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub commit_every: u32,
    /// Containers (ZIP, tar, mail, office files): MB one file may unpack to
    /// in all, nested containers included.
    #[arg(allow_negative_numbers = true, long, value_name = "MB", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=1 << 30))]
    pub max_unpacked_mb: u64,
    /// Containers: largest ratio of an entry's unpacked to packed size (for
    /// entries over 16 MB), and of a file's unpacked to its own (past 16 MB).
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_ratio: u64,
    /// Containers: entries read of one container.
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_entries: u32,
    /// Tesseract's languages for scanned PDF pages and images, joined by `+`
    /// (a document's declared language is used when Tesseract has it).
    #[arg(long, value_name = "LANGS", default_value = cita::ingest::ocr::DEFAULT_LANGUAGES)]
    pub ocr_lang: String,
    /// Seconds OCR may take on one page or image before it is stopped (the
    /// page is reported, the rest of the file read).
    #[arg(allow_negative_numbers = true, long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub ocr_timeout: u64,
    /// Read no scan: image files and PDF pages without text are reported, not read.
    #[arg(long)]
    pub no_ocr: bool,
    /// Containers: how deep containers may nest (a ZIP in a mail in a ZIP is 2).
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(0..=64))]
    pub max_depth: u32,
    /// No progress bar and no summary (warnings and errors still print).
    #[arg(short, long)]
    pub quiet: bool,
    /// Summary format: one line for people, or one JSON object for scripts.
    #[arg(long, value_enum, default_value_t = ReportFormatArg::Text)]
    pub format: ReportFormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormatArg {
    /// One line: what was indexed, added, updated, removed, skipped and ignored.
    Text,
    /// One JSON object with the same counts and every warning.
    Json,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words (all required; AND spells it out), "phrases", OR,
    /// -word, NOT word, prefix*, "phrase"~N, ( ), title:, section:, source:,
    /// entry:, publication:, author:, lang:xx, format:name, and * for every
    /// passage (see the README's query syntax). Put it after `--` if it
    /// starts with `-`.
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub filters: Filters,
    #[command(flatten)]
    pub mentions: MentionsFilter,
    #[command(flatten)]
    pub limit: HitLimit,
    /// Print only the number of matching passages and documents.
    #[arg(long)]
    pub count: bool,
    /// One entry per document: its best passage and how many more match.
    #[arg(long)]
    pub group: bool,
    /// Show every copy: without it, passages with the same words (case,
    /// accents and punctuation aside) in several documents are one hit,
    /// listing the others ("also in N other documents").
    #[arg(long)]
    pub no_collapse: bool,
    /// Add N passages of context before and after each hit, from the same document.
    #[arg(
        allow_negative_numbers = true,
        short = 'C',
        long,
        value_name = "N",
        default_value_t = 0
    )]
    pub context: usize,
    /// Order of the hits (ties keep relevance order).
    #[arg(long, value_parser = sort_parser(), allow_hyphen_values = true, value_name = "ORDER", default_value = "relevance")]
    pub sort: cita::Sort,
    /// Add counts of all matching passages per source, language, year,
    /// publication, format and author.
    #[arg(long)]
    pub facets: bool,
    /// With --facets, list at most N values of each facet but years (the
    /// most frequent), and how many are left.
    #[arg(long, value_name = "N", requires = "facets")]
    pub facet_limit: Option<usize>,
    /// Add a ready-to-paste citation to each hit.
    #[arg(long)]
    pub cite: bool,
    /// Only passages holding every word: never fill the page with passages
    /// lacking some (partial matches, marked).
    #[arg(long)]
    pub all_words: bool,
    /// Show which query terms matched which words of each hit.
    #[arg(long)]
    pub explain: bool,
    /// Number of best hits to skip, for paging.
    #[arg(
        allow_negative_numbers = true,
        long,
        value_name = "N",
        default_value_t = 0
    )]
    pub offset: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Snippet length in characters.
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = cita::DEFAULT_SNIPPET_CHARS)]
    pub snippet_chars: usize,
    /// When to colour the text output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The passage id (as in a hit's `id`, or a citation's `cita:ID`).
    #[arg(value_name = "ID")]
    pub id: String,
    /// Index folder.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_INDEX)]
    pub index: PathBuf,
    /// Passages of context before and after it.
    #[arg(
        allow_negative_numbers = true,
        short = 'C',
        long,
        value_name = "N",
        default_value_t = 0
    )]
    pub context: usize,
    /// Add its ready-to-paste citation (JSON: `citation`, as `/api/passages/{id}?cite=true`).
    #[arg(long)]
    pub cite: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// When to colour the text output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// The query (as for `search`).
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub filters: Filters,
    /// Period to count by.
    #[arg(long, value_enum, default_value_t = PeriodArg::Year)]
    pub by: PeriodArg,
    /// Count per source as well.
    #[arg(long)]
    pub by_source: bool,
    /// Chart the years passages mention instead of their publication dates;
    /// with YEARS (1960..1969), only passages mentioning those years, and only
    /// those years. Without YEARS, put it after the query or before `--`.
    #[arg(long, value_name = "YEARS", num_args = 0..=1, default_missing_value = "")]
    pub mentions: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// When to colour the text output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[derive(Debug, Args)]
pub struct KwicArgs {
    /// The query (as for `search`).
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub filters: Filters,
    #[command(flatten)]
    pub mentions: MentionsFilter,
    /// Context on each side, in display columns.
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = cita::kwic::DEFAULT_WIDTH,
          value_parser = clap::value_parser!(u64).range(1..=cita::kwic::MAX_WIDTH as u64).map(|width| width as usize))]
    pub width: usize,
    /// Order lines by the context left or right of the match (default: relevance).
    #[arg(long, value_enum, value_name = "SIDE")]
    pub sort_context: Option<SideArg>,
    /// At most N lines: the first occurrences in relevance order (then
    /// sorted by `--sort-context`) [default: every occurrence].
    #[arg(allow_negative_numbers = true, short = 'n', long, value_name = "N")]
    pub limit: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// When to colour the text output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

/// How many hits `search` and `batch` return.
#[derive(Debug, Args)]
pub struct HitLimit {
    /// Number of hits to show, per query (0: only count); with `search --group`, of documents.
    #[arg(allow_negative_numbers = true, short = 'n', long, value_name = "N", default_value_t = cita::DEFAULT_LIMIT)]
    limit: usize,
    /// Show every matching passage (no limit), still ranked.
    #[arg(long, conflicts_with = "limit")]
    all: bool,
}

impl HitLimit {
    /// The limit a `SearchRequest` takes.
    pub fn hits(&self) -> usize {
        if self.all { cita::ALL } else { self.limit }
    }
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// File of queries, one per line (`-` for standard input).
    #[arg(value_name = "QUERIES_FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub filters: Filters,
    #[command(flatten)]
    pub mentions: MentionsFilter,
    #[command(flatten)]
    pub limit: HitLimit,
    /// Output format.
    #[arg(long, value_enum, default_value_t = BatchFormatArg::Csv)]
    pub format: BatchFormatArg,
    /// Snippet length in characters.
    #[arg(allow_negative_numbers = true, long, value_name = "N", default_value_t = cita::DEFAULT_SNIPPET_CHARS)]
    pub snippet_chars: usize,
}

/// `--sort`: the library's names of the orders ([`cita::Sort::NAMES`]),
/// each with its line of help.
fn sort_parser() -> impl TypedValueParser<Value = cita::Sort> {
    let help = |sort| match sort {
        cita::Sort::Relevance => "Best first",
        cita::Sort::Date => "Oldest first (undated last)",
        cita::Sort::DateDescending => "Newest first (undated last)",
        cita::Sort::Source => "By source path",
        cita::Sort::Document => "By source path, then in the document's order",
    };
    let names = cita::Sort::NAMES.map(|(name, sort)| PossibleValue::new(name).help(help(sort)));
    PossibleValuesParser::new(names).map(|name| {
        name.parse::<cita::Sort>()
            .expect("every possible value names a sort")
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    /// Calendar years.
    Year,
    /// Calendar months.
    Month,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SideArg {
    /// The words just before the match, nearest first.
    Left,
    /// The words just after the match.
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormatArg {
    /// RFC 4180 CSV with a header row.
    Csv,
    /// One JSON hit object per line, with its `query` and `line`.
    Jsonl,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Index folder.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_INDEX)]
    pub index: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Index folder. A `cita index` run on it is picked up without a restart.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_INDEX)]
    pub index: PathBuf,
    /// Address to listen on. The default is loopback only; any other address
    /// exposes the archive to the network (see the README). Port 0 picks a free port.
    #[arg(long, value_name = "IP:PORT", default_value = cita::server::DEFAULT_ADDR)]
    pub addr: SocketAddr,
    /// Port to listen on, at the address of --addr (loopback by default):
    /// `--port 8080` is `--addr 127.0.0.1:8080`.
    #[arg(allow_negative_numbers = true, long, value_name = "PORT")]
    pub port: Option<u16>,
    /// Allow browser pages from this one origin (as in http://localhost:8080)
    /// to call the API. Off by default.
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Option<String>,
    /// Requests working on the index at once; more wait briefly, then get 503
    /// [default: the number of CPUs, at least 2].
    #[arg(allow_negative_numbers = true, long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub max_searches: Option<u32>,
    /// Time limit of one request, in seconds (503 beyond).
    #[arg(allow_negative_numbers = true, long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Readable text, for people (for `search`: a block per hit).
    Text,
    /// One JSON object (for `search`: the query, the total and the hits).
    Json,
    /// JSON Lines: one object per line (for `search`: one per hit).
    Jsonl,
    /// RFC 4180 CSV with a header row, for spreadsheets.
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when standard output is a terminal, NO_COLOR is unset or
    /// empty, and TERM is not `dumb`.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl From<FormatArg> for cita::output::Format {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Text => cita::output::Format::Text,
            FormatArg::Json => cita::output::Format::Json,
            FormatArg::Jsonl => cita::output::Format::Jsonl,
            FormatArg::Csv => cita::output::Format::Csv,
        }
    }
}
