//! The `cita` binary: parses arguments, calls the library, renders, and maps
//! outcomes to exit codes. No search logic lives here.

mod cli;
mod progress;

/// mimalloc: searches allocate per hit (stored passages, snippets) and
/// indexing per token; the bench queries run about a tenth faster with it
/// than with the system allocator (alternated in the same minutes), which
/// starts a process about 0.5 ms sooner. Its huge-page use is off (see
/// Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{self, IsTerminal, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;

use cita::batch::parse_queries;
use cita::kwic::ContextSort;
use cita::output::{self, TextStyle};
use cita::{Archive, FilterText, Language, Period, SearchRequest};
use cli::{
    BatchArgs, BatchFormatArg, Cli, ColorArg, Command, DEFAULT_CORPUS, DEFAULT_INDEX, Filters,
    IndexArgs, KwicArgs, PeriodArg, ReportFormatArg, SearchArgs, ServeArgs, ShowArgs, SideArg,
    StatsArgs, TimelineArgs,
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
    std::panic::set_hook(Box::new(report_panic));
    #[cfg(target_os = "linux")]
    report_bus_errors();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    let run = std::panic::catch_unwind(|| match cli.command {
        Command::Index(args) => index(&args),
        Command::Search(args) => search(&args),
        Command::Stats(args) => stats(&args),
        Command::Check(args) => check(&args),
        Command::Serve(args) => serve(&args),
        Command::Show(args) => show(&args),
        Command::Timeline(args) => timeline(&args),
        Command::Kwic(args) => kwic(&args),
        Command::Batch(args) => batch(&args),
    });
    // The panic hook has said what happened.
    let Ok(outcome) = run else {
        return ExitCode::from(exit::ERROR);
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(&err) => ExitCode::from(exit::SUCCESS),
        Err(err) => {
            eprintln!("cita: {}", output::sanitize(&one_line(&err)));
            ExitCode::from(exit::ERROR)
        }
    }
}

/// tantivy maps the index's files into memory: one that shrinks under a
/// running process (cut, or a backup copied over it in place), or a read
/// of it that fails (a failing disk, a network share gone), makes a bus
/// error, which would kill the process without a word. The handler says so
/// on one line and exits as any error does; it cannot go on, as the read
/// cannot be made to succeed. Linux only: elsewhere (macOS) a stack
/// overflow is a bus error too, which Rust's own handler reports.
#[cfg(target_os = "linux")]
fn report_bus_errors() {
    extern "C" fn on_bus_error(_: libc::c_int) {
        const LINE: &[u8] = b"cita: a file of the index could not be read through its memory map (cut shorter or copied over in place while open, or a disk or network error): run `cita check`, then start again\n";
        // SAFETY: write(2) and _exit(2) are async-signal-safe, and LINE is
        // a static buffer.
        unsafe {
            libc::write(libc::STDERR_FILENO, LINE.as_ptr().cast(), LINE.len());
            libc::_exit(libc::c_int::from(exit::ERROR));
        }
    }
    let handler: extern "C" fn(libc::c_int) = on_bus_error;
    // SAFETY: the handler only makes async-signal-safe calls.
    unsafe {
        libc::signal(libc::SIGBUS, handler as libc::sighandler_t);
    }
}

/// `err` and its causes on one line, as `{err:#}` gives them, but without
/// a cause its message already ends with: the library's I/O errors say
/// their cause (`/index: Permission denied`), which is their source too.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let said = cause.to_string();
        if line.ends_with(&said) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&said);
    }
    line
}

/// The panic hook: one line on stderr, like every error, instead of Rust's
/// several (and no exit code 101: `main` catches its thread's panic and
/// exits with 2).
///
/// The panics a damaged index causes inside tantivy never get here: the
/// library catches them where it reads the index, returns them as errors
/// (`cita::Error::Damaged`, which says to rebuild), and keeps them silent
/// with a hook of its own that hands every other panic on to this one. So
/// what gets here is a bug in cita or a library, on any thread (a server
/// worker, an indexing thread): it is worth a report, and its message and
/// place make the report useful.
fn report_panic(info: &std::panic::PanicHookInfo) {
    let message = info
        .payload()
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| info.payload().downcast_ref::<&str>().copied())
        .unwrap_or("a panic");
    let place = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    eprintln!(
        "cita: internal error: {}{place}, please report it",
        output::sanitize(&message.split_whitespace().collect::<Vec<_>>().join(" "))
    );
}

/// Help and version go to stdout as clap renders them; a usage error is one
/// line on stderr, like every other error.
fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Through `Stdout`, as every output: help that cannot be
            // written says so (clap's own print ignores it).
            let rendered = err.render();
            let text = match io::stdout().is_terminal() {
                true => rendered.ansi().to_string(),
                false => rendered.to_string(),
            };
            let mut out = Stdout::lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
                    eprintln!("cita: {err}");
                    ExitCode::from(exit::ERROR)
                }
                _ => ExitCode::from(exit::SUCCESS),
            }
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            ExitCode::from(exit::ERROR)
        }
        _ => {
            // clap's first paragraph, on one line: a list of missing
            // arguments follows its first line.
            let rendered = err.render().to_string();
            let said: Vec<&str> = rendered
                .lines()
                .take_while(|line| !line.trim().is_empty())
                .map(str::trim)
                .collect();
            // Rust's words for `-n -1` or `-n ten`: every number an option
            // takes is a whole one, none negative (a number out of an
            // option's range is clap's `0 is not in 1..=256`).
            let negative = err
                .get(clap::error::ContextKind::InvalidValue)
                .is_some_and(|value| {
                    let value = value.to_string();
                    value.strip_prefix('-').is_some_and(|digits| {
                        digits.bytes().any(|b| b != b'0')
                            && digits.bytes().all(|b| b.is_ascii_digit())
                    })
                });
            let said = match said.join(" ") {
                said if said.is_empty() => "invalid arguments".to_string(),
                said => said.replace(
                    "invalid digit found in string",
                    match negative {
                        true => "a negative number, which no option takes",
                        false => "not a whole number",
                    },
                ),
            };
            // clap's tips ("a similar argument exists: '--limit'") follow
            // in paragraphs of their own.
            let tips: Vec<&str> = rendered
                .lines()
                .filter_map(|line| line.trim().strip_prefix("tip: "))
                .collect();
            let similar: Vec<&str> = tips
                .iter()
                .copied()
                .filter(|tip| tip.starts_with("a similar argument exists"))
                .collect();
            let hint = match exclusion_hint(err) {
                // Rather than clap's "to pass '-c' as a value, use '-- -c'".
                Some(hint) if similar.is_empty() => format!("; {hint}"),
                // `--colombia` is a word excluded in a query, and clap
                // names the nearest option (`--color`): both are said.
                Some(hint) => format!("; {}; or {hint}", similar.join("; ")),
                None => tips.iter().map(|tip| format!("; {tip}")).collect(),
            };
            eprintln!(
                "cita: {}{hint} (see `cita --help`)",
                said.trim_start_matches("error: "),
            );
            ExitCode::from(exit::ERROR)
        }
    }
}

/// For an unknown option given to a command that takes a query, the way
/// to write the exclusion it probably was (`cita search lazo -colombia`
/// reads `-c` as an option; clap's own tip, "to pass '-c' as a value, use
/// '-- -c'", names the letter, not the word).
fn exclusion_hint(err: &clap::Error) -> Option<String> {
    // Arguments are read as the OS gives them: one that is not UTF-8 is
    // no command's name (and `args()` would panic on it).
    let command = std::env::args_os().nth(1)?;
    let command = ["search", "timeline", "kwic"]
        .into_iter()
        .find(|name| command == *name)?;
    (err.kind() == clap::error::ErrorKind::UnknownArgument).then(|| {
        format!(
            "a word to exclude goes after `--`, as in `cita {command} -- lazo -colombia`, or in a quoted query"
        )
    })
}

/// How much of a batch query the per-query summary on stderr shows.
const BATCH_QUERY_SHOWN_CHARS: usize = 80;

/// A batch file's text, each line that is not UTF-8 reported on stderr
/// and left blank: the others run, numbered as in the file.
fn batch_text(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for (index, line) in bytes.split(|&byte| byte == b'\n').enumerate() {
        if index > 0 {
            text.push('\n');
        }
        match std::str::from_utf8(line) {
            Ok(line) => text.push_str(line),
            Err(_) => eprintln!("cita: line {}: not UTF-8 text, skipped", index + 1),
        }
    }
    text
}

/// Standard output, whose errors say it (`cita search … > /dev/full` said
/// only "No space left on device"), of the same kind, so that a reader
/// that stopped reading is still told apart.
struct Stdout(io::StdoutLock<'static>);

impl Stdout {
    fn lock() -> Stdout {
        Stdout(io::stdout().lock())
    }

    fn said(err: io::Error) -> io::Error {
        io::Error::new(
            err.kind(),
            format!("cannot write to standard output: {err}"),
        )
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(Stdout::said)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(Stdout::said)
    }
}

/// A reader that stopped reading (`cita search … | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

fn index(args: &IndexArgs) -> Result<u8> {
    let options = cita::BuildOptions {
        exclude: args.exclude.clone(),
        rebuild: args.rebuild,
        jobs: args
            .jobs
            .map_or(cita::BuildOptions::default().jobs, |jobs| jobs as usize),
        memory_bytes: (args.memory as usize).saturating_mul(1 << 20),
        batch_bytes: u64::from(args.commit_every) << 20,
        default_language: (args.default_lang.as_deref())
            .map(|code| Language::from_option("--default-lang", code))
            .transpose()?,
        // Checked by the library, which knows what Tesseract has.
        ocr_languages: (!args.no_ocr).then(|| args.ocr_lang.clone()),
        ocr_timeout: Duration::from_secs(args.ocr_timeout),
        shard: None,
        limits: cita::ingest::Limits {
            max_unpacked_bytes: args.max_unpacked_mb << 20,
            max_ratio: args.max_ratio,
            max_entries: args.max_entries as usize,
            max_depth: args.max_depth,
        },
    };
    let progress = Progress::new(!args.quiet);
    let built = cita::indexer::build_with(&args.corpus, &args.index, &options, &progress);
    progress.finish();
    let report = built
        .map_err(|err| err.writing(&args.index))
        .with_context(|| format!("cannot index {}", args.corpus.display()))?;
    if !args.quiet {
        let mut out = Stdout::lock();
        match args.format {
            ReportFormatArg::Text => output::write_build_report_text(&mut out, &report)?,
            ReportFormatArg::Json => output::write_build_report_json(&mut out, &report)?,
        }
    }
    let skipped: u64 = report.skipped().values().sum();
    if args.strict && skipped > 0 {
        anyhow::bail!(
            "{skipped} {} skipped (--strict)",
            output::plural(skipped, "file was", "files were")
        );
    }
    Ok(exit::SUCCESS)
}

/// A request for `query` with the shared filters applied.
fn request(query: &[String], filters: &Filters, mentions: Option<&str>) -> Result<SearchRequest> {
    let filters = FilterText {
        since: filters.since.as_deref(),
        until: filters.until.as_deref(),
        mentions,
        languages: &filters.languages,
        publication: filters.publication.as_deref(),
        author: filters.author.as_deref(),
        lang_option: "--lang",
    };
    Ok(filters.request(query.join(" "))?)
}

/// What any index would refuse of a command (its request), checked
/// without one.
type Precheck<'a> = &'a dyn Fn() -> cita::Result<()>;

/// The index `--index` names, else `./index`, built from `./corpus` first
/// when needed, unless `precheck` refuses the command (a malformed query
/// is said at once, not after a build).
fn open_index(filters: &Filters, precheck: Option<Precheck>) -> Result<Archive> {
    let archive = match &filters.index {
        Some(path) => Archive::open(path)?,
        None => open_default_index(precheck)?,
    };
    Ok(warn_if_unfinished(archive))
}

/// `archive`, having said on stderr when it holds part of the corpus: the
/// last run that changed it stopped before it finished.
fn warn_if_unfinished(archive: Archive) -> Archive {
    if archive.last_run_unfinished() {
        eprintln!(
            "cita: warning: the last `cita index` of {} did not finish (interrupted?): the index holds part of the corpus until a run finishes",
            archive.path().display()
        );
    }
    archive
}

fn found(hit: bool) -> u8 {
    if hit { exit::SUCCESS } else { exit::NO_HIT }
}

fn search(args: &SearchArgs) -> Result<u8> {
    let request = SearchRequest {
        limit: args.limit.hits(),
        offset: args.offset,
        snippet_chars: args.snippet_chars,
        sort: args.sort,
        group: args.group,
        facets: args.facets,
        facet_limit: args.facet_limit,
        context: args.context,
        cite: args.cite,
        all_words: args.all_words,
        collapse: !args.no_collapse,
        ..request(
            &args.query,
            &args.filters,
            args.mentions.mentions.as_deref(),
        )?
    };
    let archive = open_index(&args.filters, Some(&|| cita::query::check(&request)))?;
    let mut out = io::BufWriter::new(Stdout::lock());
    if args.count {
        let counts = archive.count(&request)?;
        output::write_counts(&mut out, &counts, args.format.into())?;
        out.flush()?;
        return Ok(found(counts.passages > 0));
    }
    for note in output::left_out(args.format.into(), args.facets, args.context > 0) {
        eprintln!("cita: {note}");
    }
    let style = TextStyle {
        color: use_color(args.color),
        explain: args.explain,
    };
    if request.group {
        let results = archive.search(&request)?;
        output::write_results(&mut out, &results, args.format.into(), style)?;
        out.flush()?;
        return Ok(found(results.total > 0));
    }
    // Each hit is written as it is made: `--all` holds one at a time, and a
    // reader that stops (`| head`) stops the search.
    let mut writer = output::HitWriter::new(&mut out, args.format.into(), style)?;
    let mut failed = None;
    let results = archive.search_each(&request, &mut |head, hit| match writer.hit(head, &hit) {
        Ok(()) => ControlFlow::Continue(()),
        Err(err) => {
            failed = Some(err);
            ControlFlow::Break(())
        }
    })?;
    if let Some(err) = failed {
        return Err(err.into());
    }
    writer.finish(&results)?;
    out.flush()?;
    Ok(found(results.total > 0))
}

fn show(args: &ShowArgs) -> Result<u8> {
    let archive = warn_if_unfinished(Archive::open(&args.index)?);
    let Some(mut passage) = archive.passage(&args.id, args.context)? else {
        // An id is 16 hex digits: a longer argument is quoted in part.
        eprintln!(
            "cita: no passage has the id {:?}",
            output::shortened(&output::sanitize(&args.id), 40)
        );
        return Ok(exit::NO_HIT);
    };
    if args.cite {
        passage = passage.cited();
    }
    let style = TextStyle {
        color: use_color(args.color),
        explain: false,
    };
    let mut out = io::BufWriter::new(Stdout::lock());
    output::write_passage(&mut out, &passage, args.format.into(), style)?;
    out.flush()?;
    Ok(exit::SUCCESS)
}

fn timeline(args: &TimelineArgs) -> Result<u8> {
    let years = args.mentions.as_deref().filter(|years| !years.is_empty());
    let request = request(&args.query, &args.filters, years)?;
    let by = match args.by {
        PeriodArg::Year => Period::Year,
        PeriodArg::Month => Period::Month,
    };
    let mentioned = args.mentions.is_some();
    // The axis first, as a timeline of an index refuses it.
    let precheck = || cita::views::shards::check_timeline(&request, by, args.by_source, mentioned);
    let archive = open_index(&args.filters, Some(&precheck))?;
    let timeline = archive.timeline(&request, by, args.by_source, mentioned)?;
    let style = TextStyle {
        color: use_color(args.color),
        explain: false,
    };
    let mut out = io::BufWriter::new(Stdout::lock());
    output::write_timeline(&mut out, &timeline, args.format.into(), style)?;
    out.flush()?;
    Ok(found(timeline.total > 0))
}

fn kwic(args: &KwicArgs) -> Result<u8> {
    let request = request(
        &args.query,
        &args.filters,
        args.mentions.mentions.as_deref(),
    )?;
    let archive = open_index(&args.filters, Some(&|| cita::query::check(&request)))?;
    let sort = match args.sort_context {
        None => ContextSort::Relevance,
        Some(SideArg::Left) => ContextSort::Left,
        Some(SideArg::Right) => ContextSort::Right,
    };
    let concordance =
        archive.kwic_lines(&request, args.width, sort, args.limit.unwrap_or(usize::MAX))?;
    if concordance.lines.is_empty() && concordance.passages > 0 && !concordance.truncated {
        eprintln!(
            "cita: {} passages match, but the query marks no word in them (`*`, `lang:`, `format:` alone): a concordance needs a word or a phrase",
            concordance.passages
        );
    }
    if concordance.truncated {
        eprintln!(
            "cita: the first {} occurrences (--limit) of {} matching passages",
            concordance.lines.len(),
            concordance.passages
        );
    }
    let style = TextStyle {
        color: use_color(args.color),
        explain: false,
    };
    let mut out = io::BufWriter::new(Stdout::lock());
    output::write_kwic(&mut out, &concordance, args.format.into(), style)?;
    out.flush()?;
    Ok(found(concordance.passages > 0))
}

fn batch(args: &BatchArgs) -> Result<u8> {
    let bytes = if args.file == Path::new("-") {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read the queries from standard input")?;
        bytes
    } else {
        std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?
    };
    let queries = parse_queries(&batch_text(&bytes));
    let template = SearchRequest {
        limit: args.limit.hits(),
        snippet_chars: args.snippet_chars,
        ..request(&[], &args.filters, args.mentions.mentions.as_deref())?
    };
    // Each line's query is its own: a bad one is reported on its line; a
    // bad option is every line's, refused once, before any index is built.
    cita::query::check_options(&template)?;
    let archive = open_index(&args.filters, None)?;
    let mut out = io::BufWriter::new(Stdout::lock());
    let mut any_hit = false;
    if args.format == BatchFormatArg::Csv {
        output::csv::write_batch_header(&mut out)?;
    }
    for outcome in archive.batch(&queries, &template) {
        let line = outcome.query.line;
        // A query is quoted whole in its CSV or JSON rows; on stderr, its
        // beginning tells which line it was.
        let query = output::sanitize(&output::shortened(
            &outcome.query.query,
            BATCH_QUERY_SHOWN_CHARS,
        ));
        match outcome.result {
            Ok(results) => {
                eprintln!(
                    "cita: line {line}: {query}: {} matching passage{}",
                    results.total,
                    output::plural(results.total, "", "s")
                );
                any_hit |= results.total > 0;
                match args.format {
                    BatchFormatArg::Csv => {
                        output::csv::write_batch_csv(&mut out, &outcome.query, &results)?
                    }
                    BatchFormatArg::Jsonl => {
                        output::write_batch_jsonl(&mut out, &outcome.query, &results)?
                    }
                }
            }
            // A damaged index fails every query alike: one error, not one a line.
            Err(err @ cita::Error::Damaged { .. }) => return Err(err.into()),
            Err(err) => eprintln!(
                "cita: line {line}: {query}: {}",
                output::sanitize(&err.to_string())
            ),
        }
    }
    out.flush()?;
    Ok(found(any_hit))
}

/// Opens `./index`, building it from `./corpus` first when it is missing or
/// was built by an incompatible cita, and `precheck`, if given, passes.
fn open_default_index(precheck: Option<Precheck>) -> Result<Archive> {
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
    if let Some(precheck) = precheck {
        precheck()?;
    }
    let progress = Progress::new(true).announcing(format!(
        "cita: {reason}; building {} from {} first",
        index.display(),
        corpus.display()
    ));
    let built =
        cita::indexer::build_with(corpus, &index, &cita::BuildOptions::default(), &progress);
    progress.finish();
    let report = built
        .map_err(|err| err.writing(&index))
        .with_context(|| format!("cannot index {}", corpus.display()))?;
    eprint!("cita: ");
    output::write_build_report_text(&mut io::stderr().lock(), &report)?;
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
    let archive = warn_if_unfinished(Archive::open(&args.index)?);
    let stats = archive.stats()?;
    let mut out = Stdout::lock();
    output::write_stats(&mut out, &stats, args.format.into())?;
    Ok(exit::SUCCESS)
}

fn check(args: &StatsArgs) -> Result<u8> {
    let check = Archive::open(&args.index)?.check()?;
    output::write_check(&mut Stdout::lock(), &check, args.format.into())?;
    Ok(exit::SUCCESS)
}

fn serve(args: &ServeArgs) -> Result<u8> {
    let archive = std::sync::Arc::new(warn_if_unfinished(Archive::open_live(&args.index)?));
    let mut addr = args.addr;
    if let Some(port) = args.port {
        addr.set_port(port);
    }
    let mut options = cita::server::ServeOptions::new(addr);
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
