//! The `cita` binary: parses arguments, calls the library, renders, and maps
//! outcomes to exit codes. No search logic lives here.

mod cli;
mod progress;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use cita::output::{self, TextStyle};
use cita::{Archive, BuildReport, Date, SearchRequest};
use cli::{
    Cli, ColorArg, Command, DEFAULT_CORPUS, DEFAULT_INDEX, IndexArgs, SearchArgs, ServeArgs,
    StatsArgs,
};
use progress::Progress;

/// Exit codes, as grep's: the one place they are decided.
mod exit {
    /// A search found something, or a command succeeded.
    pub const SUCCESS: u8 = 0;
    /// A search found nothing.
    pub const NO_HIT: u8 = 1;
    /// Bad usage, bad query, missing index, unreadable corpus, or any other error.
    pub const ERROR: u8 = 2;
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    let outcome = match cli.command {
        Command::Index(args) => index(&args),
        Command::Search(args) => search(&args),
        Command::Stats(args) => stats(&args),
        Command::Serve(args) => serve(&args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(&err) => ExitCode::from(exit::SUCCESS),
        Err(err) => {
            eprintln!("cita: {}", output::sanitize(&format!("{err:#}")));
            ExitCode::from(exit::ERROR)
        }
    }
}

/// Help and version go to stdout as clap renders them; a usage error is one
/// line on stderr, like every other error.
fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            ExitCode::from(exit::SUCCESS)
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            ExitCode::from(exit::ERROR)
        }
        _ => {
            let rendered = err.render().to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments");
            eprintln!(
                "cita: {} (see `cita --help`)",
                first.trim_start_matches("error: ")
            );
            ExitCode::from(exit::ERROR)
        }
    }
}

/// A reader that stopped reading (`cita search … | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

fn index(args: &IndexArgs) -> Result<u8> {
    let defaults = cita::BuildOptions::default();
    let options = cita::BuildOptions {
        exclude: args.exclude.clone(),
        rebuild: args.rebuild,
        jobs: args.jobs.map_or(defaults.jobs, |jobs| jobs as usize),
        memory_bytes: (args.memory as usize).saturating_mul(1 << 20),
        ..defaults
    };
    let progress = Progress::new(!args.quiet);
    let built = cita::indexer::build_with(&args.corpus, &args.index, &options, &progress);
    progress.finish();
    let report = built.with_context(|| format!("cannot index {}", args.corpus.display()))?;
    if !args.quiet {
        let mut out = io::stdout().lock();
        writeln!(out, "{}", summary(&report))?;
    }
    let skipped: u64 = report.skipped().values().sum();
    if args.strict && skipped > 0 {
        anyhow::bail!(
            "{skipped} {} skipped (--strict)",
            plural(skipped, "file was", "files were")
        );
    }
    Ok(exit::SUCCESS)
}

fn plural<'a>(count: u64, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

/// "indexed 7 files (3 text, 1 html, …) as 9 documents, 120 passages into index in 0.10 s:
/// 2 added, 1 updated, 0 removed, 4 unchanged, 3 files read; skipped 2 files (1 binary, …)"
fn summary(report: &BuildReport) -> String {
    let files = report.files_indexed();
    let formats: Vec<String> = report
        .files
        .iter()
        .map(|(format, count)| format!("{count} {}", format.name()))
        .collect();
    let mut line = format!(
        "indexed {files} {}{} as {} {}, {} {} into {} in {:.2} s",
        plural(files, "file", "files"),
        if formats.is_empty() {
            String::new()
        } else {
            format!(" ({})", formats.join(", "))
        },
        report.documents,
        plural(report.documents, "document", "documents"),
        report.passages,
        plural(report.passages, "passage", "passages"),
        report.index.display(),
        report.elapsed.as_secs_f64(),
    );
    line.push_str(&format!(
        ": {} added, {} updated, {} removed, {} unchanged, {} {} read",
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
        report.files_read,
        plural(report.files_read, "file", "files"),
    ));
    let skipped = report.skipped();
    let total: u64 = skipped.values().sum();
    if total > 0 {
        let reasons: Vec<String> = skipped
            .iter()
            .map(|(reason, count)| format!("{count} {}", reason.describe()))
            .collect();
        line.push_str(&format!(
            "; skipped {total} {} ({})",
            plural(total, "file", "files"),
            reasons.join(", ")
        ));
    }
    line
}

fn search(args: &SearchArgs) -> Result<u8> {
    let request = SearchRequest {
        query: args.query.join(" "),
        limit: args.limit,
        offset: args.offset,
        since: args.since.as_deref().map(Date::parse_start).transpose()?,
        until: args.until.as_deref().map(Date::parse_end).transpose()?,
        snippet_chars: args.snippet_chars,
    };
    let archive = match &args.index {
        Some(path) => Archive::open(path)?,
        None => open_default_index()?,
    };
    let results = archive.search(&request)?;
    let style = TextStyle {
        color: use_color(args.color),
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    output::write_results(&mut out, &results, args.format.into(), style)?;
    out.flush()?;
    Ok(if results.total > 0 {
        exit::SUCCESS
    } else {
        exit::NO_HIT
    })
}

/// Opens `./index`, building it from `./corpus` first when it is missing or
/// was built by an incompatible cita.
fn open_default_index() -> Result<Archive> {
    let index = PathBuf::from(DEFAULT_INDEX);
    let corpus = Path::new(DEFAULT_CORPUS);
    let reason = match Archive::open(&index) {
        Ok(archive) => return Ok(archive),
        Err(cita::Error::NoIndex { .. }) if corpus.is_dir() => "there is no index yet",
        Err(cita::Error::IncompatibleIndex { .. }) if corpus.is_dir() => {
            "the index was built by an incompatible cita"
        }
        Err(cita::Error::NoIndex { .. }) => anyhow::bail!(
            "no index at {} and no {} folder to build one from: put documents in {}, or run `cita index --corpus DIR`",
            index.display(),
            corpus.display(),
            corpus.display()
        ),
        Err(err) => return Err(err.into()),
    };
    eprintln!(
        "cita: {reason}; building {} from {} first",
        index.display(),
        corpus.display()
    );
    let progress = Progress::new(true);
    let built =
        cita::indexer::build_with(corpus, &index, &cita::BuildOptions::default(), &progress);
    progress.finish();
    let report = built.with_context(|| format!("cannot index {}", corpus.display()))?;
    eprintln!("cita: {}", summary(&report));
    Ok(Archive::open(&index)?)
}

fn use_color(choice: ColorArg) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

fn stats(args: &StatsArgs) -> Result<u8> {
    let archive = Archive::open(&args.index)?;
    let stats = archive.stats()?;
    let mut out = io::stdout().lock();
    output::write_stats(&mut out, &stats, args.format.into())?;
    Ok(exit::SUCCESS)
}

fn serve(args: &ServeArgs) -> Result<u8> {
    let archive = std::sync::Arc::new(Archive::open_live(&args.index)?);
    let mut options = cita::server::ServeOptions::new(args.addr);
    options.cors = args.cors.clone();
    if let Some(max) = args.max_searches {
        options.limits.max_searches = max as usize;
    }
    options.limits.timeout = std::time::Duration::from_secs(args.timeout);
    cita::server::run(archive, &options, |addr| {
        if !addr.ip().is_loopback() {
            eprintln!(
                "cita: warning: listening on {}, which is not loopback: anyone who can reach it can read the whole archive",
                addr.ip()
            );
        }
        eprintln!(
            "cita: serving {} on http://{addr}/ (Ctrl-C to stop)",
            args.index.display()
        );
    })?;
    eprintln!("cita: stopped");
    Ok(exit::SUCCESS)
}
