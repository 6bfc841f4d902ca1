//! Command-line arguments. The doc comments are the `--help` text.

use std::net::SocketAddr;
use std::path::PathBuf;

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
    /// and deleted files are processed (.txt, .md, .html, .jsonl/.json, .pdf).
    Index(IndexArgs),
    /// Search the index. Exit status: 0 some hit, 1 no hit, 2 error.
    Search(SearchArgs),
    /// Show the number of documents and passages and the index size.
    Stats(StatsArgs),
    /// Serve the HTTP JSON API and the search page (read-only) until Ctrl-C.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Folder of documents to index (.txt, .md).
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
    /// Threads reading and splitting files [default: all cores].
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: Option<u32>,
    /// Memory budget of the index writer, in MB (at least 15).
    #[arg(long, value_name = "MB", default_value_t = 128, value_parser = clap::value_parser!(u32).range(15..))]
    pub memory: u32,
    /// No progress bar and no summary (warnings and errors still print).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words (all required), "phrases", OR, -word, NOT word,
    /// prefix*, "phrase"~N, title:, section:, source:, publication:.
    /// Put it after `--` if it starts with `-`.
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Index folder [default: index, built from ./corpus on first use].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Number of hits to show (0: only count).
    #[arg(short = 'n', long, value_name = "N", default_value_t = cita::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Number of best hits to skip, for paging.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Only documents published on or after DATE (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only documents published on or before DATE (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Snippet length in characters.
    #[arg(long, value_name = "N", default_value_t = cita::DEFAULT_SNIPPET_CHARS)]
    pub snippet_chars: usize,
    /// When to colour the text output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
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
    /// Allow browser pages from this one origin (as in http://localhost:8080)
    /// to call the API. Off by default.
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Option<String>,
    /// Requests working on the index at once; more wait briefly, then get 503
    /// [default: the number of CPUs, at least 2].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub max_searches: Option<u32>,
    /// Time limit of one request, in seconds (503 beyond).
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Readable blocks, one per hit.
    Text,
    /// One JSON object with the query, the total and the hits.
    Json,
    /// One JSON object per hit, one per line.
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when standard output is a terminal and NO_COLOR is not set.
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
        }
    }
}
