//! An opened index and the searches run on it: query in, ranked hits with
//! snippets out. The facade of the library: every search, count, timeline,
//! concordance and passage lookup starts here.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::io;
use std::ops::{Bound, ControlFlow};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::SystemTime;

use tantivy::collector::{Collector, Count, DocSetCollector, SegmentCollector, TopDocs};
use tantivy::directory::error::{LockError, OpenReadError};
use tantivy::directory::{
    Directory, DirectoryLock, Lock, MmapDirectory, WatchCallback, WatchHandle,
};
use tantivy::index::SegmentId;
use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Query, RangeQuery, TermQuery, Weight};
use tantivy::schema::{FieldType, IndexRecordOption};
use tantivy::store::StoreReader;
use tantivy::{
    DocAddress, DocId, Index, IndexReader, ReloadPolicy, Searcher, SegmentOrdinal, SegmentReader,
    TantivyDocument, Term,
};

use crate::analysis;
use crate::copy_map::CopyMap;
use crate::error::{self, Error, Result};
use crate::highlight::{self, HighlightPlan};
use crate::indexer::{self, BuildOptions, BuildReport};
use crate::language::Language;
use crate::query::partial::{self, Held, Partial};
use crate::query::statistics::{CorpusStatistics, Provider, Statistics};
use crate::query::{self, DateRange, InflectionMemo};
use crate::ranking::{
    Listed, Match, SegmentTieOrder, SortHead, TieKey, TopWithTies, by_head, by_partial_rank,
    by_rank, by_whole_head, hit_rank_key, in_order,
};
use crate::results::{
    ALL, CITA_VERSION, CITED_ID_PREFIX, Candidate, Counts, Duplicate, Facets, Hit, IndexCheck,
    IndexedPassage, OnHit, PassageInContext, Period, Pick, SearchRequest, SearchResults,
    ShardAnswer, Sort, Stats, Timeline,
};
use crate::schema::PositionKey;
use crate::schema::{self, DocumentKey, Fields, SCHEMA_VERSION, SegmentColumns};
use crate::store::{self, META_FILE};
use crate::views::batch::{self, BatchOutcome, BatchQuery};
use crate::views::collapse::{self, Copies, KeySet, Shown};
use crate::views::kwic::{self, Concordance, ContextSort, ShardKwic};
use crate::views::timeline::{self, TimelineAxis};
use crate::views::{facets, group, shards};

/// A page of hits in rank order, each loaded as it is taken.
type RankedHits<'a> = Box<dyn Iterator<Item = (usize, Result<Hit>)> + 'a>;

/// Above this many hits, a page's ties are ordered by keys read from fast
/// fields before any hit is loaded, not by the loaded hits' own: an export
/// of every match must not hold them all.
const LOADED_TO_ORDER: usize = 1_000;

/// An opened index, ready to search.
pub struct Archive {
    path: PathBuf,
    reader: IndexReader,
    /// The folder the reader reads, which pins the commit being checked.
    directory: ReadingDirectory,
    /// For an archive that follows the index ([`Archive::open_live`]): the
    /// watch on its commits, which ends when the archive is dropped.
    _following: Option<WatchHandle>,
    fields: Fields,
    /// What is read once per searcher generation, for the last one seen.
    generation: Mutex<Option<Arc<Generation>>>,
    /// The segments whose column files passed their checksums.
    sound_columns: Arc<Mutex<HashSet<SegmentId>>>,
}

/// The folder it reads (its readers and caches say nothing more).
impl std::fmt::Debug for Archive {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        out.debug_struct("Archive")
            .field("path", &self.path)
            .field("live", &self._following.is_some())
            .finish_non_exhaustive()
    }
}

/// A search reads the index's copy map (once per searcher generation)
/// when it goes through at least one passage in this many: reading the
/// map costs about what reading and counting the copy keys of that many
/// matches does.
const COPY_MAP_SHARE: u64 = 16;

/// How many decompressed blocks of each segment's stored passages are
/// kept (tantivy's own default), so passages of one block, a page's
/// neighbours or a document's context, are decompressed once.
const STORE_CACHE_BLOCKS: usize = 100;

/// What a searcher generation needs read only once: the fingerprint its
/// commit recorded, each segment's fast-field columns (opening them costs
/// more than a rare word's whole search), and each segment's stored
/// passages, which are read through [`schema::read_stored`].
struct Generation {
    id: u64,
    fingerprint: String,
    /// Which shard of how many the index holds (see [`Archive::shard`]).
    shard: Option<[u32; 2]>,
    columns: Vec<SegmentColumns>,
    stores: Vec<StoreReader>,
    /// The index's copy map, once its file describes these segments: read
    /// on first use, by a search that counts `distinct` over many matches.
    copy_map: OnceLock<CopyMap>,
    /// The modification time and length of the map's file when it last
    /// did not describe these segments (`None` inside: there was no file),
    /// so it is read again only once it changes: a live archive can see a
    /// commit before `cita index` writes its map.
    copy_map_refused: Mutex<Option<Option<(SystemTime, u64)>>>,
    /// The check of its segments' column files.
    column_check: ColumnCheck,
    /// Its sources' and entries' ranks, on first use by an order of the
    /// source.
    document_ranks: OnceLock<DocumentRanks>,
    /// The documents whose passages context was last read from, latest
    /// last, each its passages' places in document order
    /// ([`Archive::neighbours`]): the hits of one document, a group's or a
    /// `source:` search's, read its listing once, not once each.
    listings: Mutex<VecDeque<(OwnedDocumentKey, Arc<Listing>)>>,
}

/// A document: its source, record and entry.
type OwnedDocumentKey = (String, Option<u64>, Option<String>);

/// A document's passages in document order: (paragraph, part), and where.
type Listing = Vec<((u64, u64), DocAddress)>;

/// How many documents' listings a generation keeps.
const LISTINGS_KEPT: usize = 4;

impl Generation {
    /// The match at `address`, its keys read from fast fields.
    fn read_match(&self, score: f32, address: DocAddress) -> Result<Match> {
        let columns = &self.columns[address.segment_ord as usize];
        Ok(Match {
            score,
            address,
            keys: columns.keys(address.doc_id)?,
        })
    }

    fn document_ranks(&self) -> Result<&DocumentRanks> {
        if let Some(ranks) = self.document_ranks.get() {
            return Ok(ranks);
        }
        let ranks = DocumentRanks::of(&self.columns)?;
        Ok(self.document_ranks.get_or_init(|| ranks))
    }
}

/// A match as a sort reads every match: what orders it before the rest of
/// its rank key, and its copy key.
#[derive(Clone, Copy)]
struct Sortable {
    head: SortHead,
    address: DocAddress,
    copy_key: u64,
}

/// The rank of each segment's sources and entries among every source and
/// entry of a generation, in the order of their text ("" and none first,
/// rank 0): what orders matches by document across segments without
/// reading their paths (see [`SortHead`]).
struct DocumentRanks {
    /// By segment, the rank of each source ordinal.
    sources: Vec<Vec<u32>>,
    /// By segment, the rank of each entry ordinal.
    entries: Vec<Vec<u32>>,
}

impl DocumentRanks {
    fn of(columns: &[SegmentColumns]) -> Result<DocumentRanks> {
        let sources = columns.iter().map(SegmentColumns::sources);
        let entries = columns.iter().map(SegmentColumns::entries);
        Ok(DocumentRanks {
            sources: ranks(&sources.collect::<Result<Vec<_>>>()?),
            entries: ranks(&entries.collect::<Result<Vec<_>>>()?),
        })
    }

    /// The document of the passage at `position` in `segment`: its
    /// source's rank, record and entry's rank.
    fn document(&self, segment: usize, position: PositionKey) -> (u32, Option<u64>, u32) {
        let (source, record, entry, ..) = position;
        let rank = |ranks: &[Vec<u32>], ordinal: u64| {
            ordinal
                .checked_sub(1)
                .and_then(|at| ranks[segment].get(at as usize))
                .copied()
                .unwrap_or(0)
        };
        (
            rank(&self.sources, source),
            record,
            rank(&self.entries, entry),
        )
    }
}

/// The rank of each value of each list among the values of all of them
/// and "", in the order of their text.
fn ranks(lists: &[&[String]]) -> Vec<Vec<u32>> {
    let mut all: Vec<&str> = lists
        .iter()
        .flat_map(|list| list.iter().map(String::as_str))
        .chain([""])
        .collect();
    all.sort_unstable();
    all.dedup();
    let rank = |value: &String| all.binary_search(&value.as_str()).unwrap_or(0) as u32;
    lists
        .iter()
        .map(|list| list.iter().map(rank).collect())
        .collect()
}

/// Every match of a search in an order other than relevance
/// ([`Archive::sorted_matches`]).
struct SortedMatches {
    /// Every match, in that order but for ties of date and score.
    every: Vec<Sortable>,
    /// The first matches in that order, read whole.
    first: Vec<Match>,
}

impl SortedMatches {
    /// Every match's copy key, each once, ascending.
    fn copy_keys(&self) -> Vec<u64> {
        collapse::distinct(self.every.iter().map(|m| m.copy_key).collect())
    }

    /// How many sets of copies match.
    fn distinct(&self) -> u64 {
        self.copy_keys().len() as u64
    }

    /// The other copies of each of `shown`: every match of its copy key
    /// but itself.
    fn others_of(&self, shown: &[Match]) -> HashMap<u64, Vec<DocAddress>> {
        let shown: HashMap<u64, DocAddress> =
            shown.iter().map(|m| (m.keys.copy_key, m.address)).collect();
        let mut others: HashMap<u64, Vec<DocAddress>> = HashMap::new();
        for m in &self.every {
            if shown.get(&m.copy_key).is_some_and(|&at| at != m.address) {
                others.entry(m.copy_key).or_default().push(m.address);
            }
        }
        others
    }
}

/// The check of a generation's column files against their checksums
/// ([`store::verify_columns_of`]). A search reads ids, keys and dates from
/// them with no check of its own, so a flipped byte there gave made-up ids
/// and lost hits with exit 0. Reading 10 MB of columns costs about 2.5 ms,
/// as much as a rare word's search, so a column file that is as the last
/// `cita index` left it sound (its stamp, [`store::FileStamp`]) is not
/// read; others are checked beside the generation's first read, on another
/// thread, and every answer waits for the check before it is given. A
/// segment found sound is not read again by the same archive.
struct ColumnCheck {
    running: Mutex<Option<std::thread::JoinHandle<Option<String>>>>,
    /// What was found damaged, once the check is over.
    damage: OnceLock<Option<String>>,
}

/// Checking some segments' column files, and recording those that pass.
#[derive(Clone)]
struct ColumnJob {
    path: PathBuf,
    index: Index,
    segments: Vec<SegmentId>,
    sound: Arc<Mutex<HashSet<SegmentId>>>,
}

impl ColumnJob {
    /// What was found damaged, if anything.
    fn run(self) -> Option<String> {
        let segments = self.segments.iter().copied();
        match store::verify_columns_of(&self.path, &self.index, segments) {
            Ok(()) => {
                let mut sound = self.sound.lock().unwrap_or_else(PoisonError::into_inner);
                sound.extend(self.segments);
                None
            }
            Err(Error::Damaged { detail, .. }) => Some(detail),
            Err(other) => Some(other.to_string()),
        }
    }
}

impl ColumnCheck {
    /// Starts checking the columns of `segments` not in `sound`, adding
    /// them there when they pass.
    fn start(
        path: &Path,
        index: &Index,
        segments: Vec<SegmentId>,
        sound: &Arc<Mutex<HashSet<SegmentId>>>,
    ) -> ColumnCheck {
        let unchecked: Vec<SegmentId> = {
            let mut sound = sound.lock().unwrap_or_else(PoisonError::into_inner);
            let unseen: Vec<SegmentId> = segments
                .into_iter()
                .filter(|id| !sound.contains(id))
                .collect();
            let left_sound = store::columns_left_sound(path, &unseen);
            sound.extend(&left_sound);
            unseen
                .into_iter()
                .filter(|id| !left_sound.contains(id))
                .collect()
        };
        let check = ColumnCheck {
            running: Mutex::new(None),
            damage: OnceLock::new(),
        };
        if unchecked.is_empty() {
            check.damage.get_or_init(|| None);
            return check;
        }
        let job = ColumnJob {
            path: path.to_path_buf(),
            index: index.clone(),
            segments: unchecked,
            sound: Arc::clone(sound),
        };
        let spawned = std::thread::Builder::new()
            .name("cita-columns".to_string())
            .spawn({
                let job = job.clone();
                move || job.run()
            });
        match spawned {
            Ok(handle) => {
                *check.running.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle)
            }
            // No thread to spare: checked here and now.
            Err(_) => {
                check.damage.get_or_init(|| job.run());
            }
        }
        check
    }

    /// What the check found damaged, once it is over.
    fn wait(&self) -> Option<&str> {
        self.damage
            .get_or_init(|| {
                let running = self
                    .running
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                running.and_then(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|_| Some("its columns could not be checked".to_string()))
                })
            })
            .as_deref()
    }
}

/// A check outlives no archive: an answer that failed before waiting for
/// it (damage found another way) would otherwise leave the thread reading
/// the mapped files after the archive is gone, and a file truncated then
/// (a copy restored over it, a test's next damage) kills the process with
/// SIGBUS.
impl Drop for ColumnCheck {
    fn drop(&mut self) {
        self.wait();
    }
}

impl Archive {
    /// Whether an index (of any version) exists at `path`.
    pub fn exists(path: &Path) -> bool {
        path.join(META_FILE).is_file()
    }

    /// Opens the index at `path`, checking it was built by a compatible cita.
    ///
    /// An archive only reads the index folder: an index on a read-only file
    /// system, or in a folder this user may not write, is searched like any
    /// other. A damaged index is [`Error::Damaged`], from here or from any
    /// search, never a panic.
    ///
    /// Searches see the index as it was when it was opened; call
    /// [`Archive::reload`] to see a later `cita index`, or use
    /// [`Archive::open_live`].
    ///
    /// # Errors
    ///
    /// [`Error::NoIndex`] (nothing there, or a first build that saved
    /// nothing), [`Error::FirstBuildRunning`], [`Error::NotAnIndex`],
    /// [`Error::IncompatibleIndex`] (another schema: rebuild),
    /// [`Error::Damaged`], [`Error::Io`] (the folder cannot be read).
    pub fn open(path: &Path) -> Result<Archive> {
        Archive::open_with(path, false)
    }

    /// Opens the index at `path` like [`Archive::open`], and keeps following
    /// it: a commit by `cita index` (in this process or another) becomes
    /// visible to later searches shortly after it lands (tantivy watches
    /// `meta.json`; typically within a second), without reopening. Searches
    /// already running keep the snapshot they started with. For long-running
    /// processes such as `cita serve`. A commit whose segments fail
    /// the checks of [`Archive::reload`] is not followed: searches keep the
    /// commit they see until a later one passes.
    pub fn open_live(path: &Path) -> Result<Archive> {
        Archive::open_with(path, true)
    }

    /// Makes later searches see the index's latest commit now, once its
    /// segments' stored passages pass the check made on opening
    /// (`store::check_doc_stores`); a commit that fails it is
    /// [`Error::Damaged`], and searches keep the commit they saw.
    pub fn reload(&self) -> Result<()> {
        self.guarded(|| reload_checked(&self.path, &self.directory, &self.reader))
    }

    fn open_with(path: &Path, live: bool) -> Result<Archive> {
        // As in `guarded`: an engine error that does not say what it is, or
        // a panic, is damage if the checksums say so.
        let checked = || {
            let directory = ReadingDirectory::open(path).ok()?;
            checksum_damage_of(&Index::open(directory).ok()?)
        };
        match error::catching(|| Archive::open_unguarded(path, live)) {
            Ok(Ok(archive)) => Ok(archive),
            Ok(Err(err)) => match err.reading(path) {
                // A `meta.json` no cita wrote (another tool's): not an
                // index, as `cita index` says of the folder, rather than
                // damage that a rebuild would then refuse to replace.
                Error::Engine(_) | Error::Damaged { .. } if !store::bears_cita_marks(path) => {
                    Err(Error::NotAnIndex {
                        path: path.to_path_buf(),
                    })
                }
                Error::Engine(err) => Err(checked()
                    .flatten()
                    .map_or(Error::Engine(err), |detail| Error::damaged(path, &detail))),
                other => Err(other),
            },
            Err(panic) => Err(panic_error(path, "opening", &panic, checked())),
        }
    }

    fn open_unguarded(path: &Path, live: bool) -> Result<Archive> {
        if path.exists() && !path.is_dir() {
            return Err(Error::index_is_a_file(path));
        }
        if !Archive::exists(path) {
            // A first build that has not written its schema yet holds the
            // lock (and may hold tantivy's temporary files).
            if store::is_locked(path) {
                return Err(no_index_yet(path));
            }
            // A folder of other files is not one `cita index` would fill.
            if path.is_dir() {
                store::refuse_foreign(path)?;
            }
            return Err(Error::NoIndex {
                path: path.to_path_buf(),
            });
        }
        let directory = ReadingDirectory::open(path)?;
        let (index, fields, reader) = directory.on_pinned_commit(|| {
            let index = Index::open(directory.clone())?;
            check_schema(path, &index)?;
            let fields =
                schema::fields_of(&index.schema()).ok_or_else(|| Error::IncompatibleIndex {
                    path: path.to_path_buf(),
                    found: "unknown".to_string(),
                    expected: SCHEMA_VERSION,
                })?;
            analysis::register(&index);
            store::check_doc_stores(path, &index)?;
            // Passages are read through the generation's own store readers.
            // tantivy's own following (`ReloadPolicy::OnCommitWithDelay`)
            // would open a new commit's segments unchecked: cita watches
            // instead.
            let reader: IndexReader = index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .doc_store_cache_num_blocks(0)
                .try_into()?;
            directory.note_opened(&reader);
            Ok((index, fields, reader))
        })?;
        let following = if live {
            let (path, directory, reader) = (path.to_path_buf(), directory.clone(), reader.clone());
            Some(index.directory().watch(WatchCallback::new(move || {
                // Nobody to tell on the watcher's thread: a commit that
                // fails is not followed, and a later one is tried anew.
                let _ = error::catching(|| reload_checked(&path, &directory, &reader));
            }))?)
        } else {
            None
        };
        Ok(Archive {
            path: path.to_path_buf(),
            reader,
            directory,
            _following: following,
            fields,
            generation: Mutex::new(None),
            sound_columns: Arc::default(),
        })
    }

    /// The index folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the last `cita index` run that changed the index stopped
    /// before it finished (interrupted, a full disk, a crash) and none is
    /// running now: the index holds the files that run committed, not the
    /// whole corpus, until a run finishes.
    pub fn last_run_unfinished(&self) -> bool {
        store::last_run_unfinished(&self.path)
    }

    /// Runs a search: the hits asked for, in the order asked for, with
    /// snippets, highlights, `matched` and whatever else the request adds
    /// (groups, facets, context, citations).
    ///
    /// # Errors
    ///
    /// [`Error::Query`] (the query cannot be read; the message says where),
    /// [`Error::InvalidOption`] (an option out of its range, `since` after
    /// `until`), [`Error::PastDeadline`] (past `request.deadline`),
    /// [`Error::Damaged`] (damage met while reading), [`Error::Internal`]
    /// (a bug in cita on an intact index).
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let mut hits = Vec::new();
        let mut results = self.search_each(request, &mut |_, hit| {
            hits.push(hit);
            ControlFlow::Continue(())
        })?;
        if results.groups.is_none() {
            results.hits = hits;
        }
        Ok(results)
    }

    /// Runs a search as [`Archive::search`] does, but hands each hit to
    /// `on_hit` as soon as it is made instead of holding them: an export of
    /// every match (`limit` [`ALL`]) holds one hit at a time, not the
    /// whole answer. `on_hit` also gets the results as known before the
    /// first hit (`query`, `total`, `distinct`, `facets`; no hits), and
    /// stops the search by returning [`ControlFlow::Break`] (a reader that
    /// went away). Returns the results without their hits; with `group`,
    /// `on_hit` is never called and the hits and groups are in the results,
    /// as `search` returns them (a group is known only once every match
    /// is).
    ///
    /// # Errors
    ///
    /// As [`Archive::search`].
    pub fn search_each(&self, request: &SearchRequest, on_hit: OnHit<'_>) -> Result<SearchResults> {
        // The first hit waits for the columns' check, as a whole answer does.
        let mut damage = None;
        let mut checked = false;
        let mut once_sound = |head: &SearchResults, hit: Hit| {
            if !checked {
                if let Err(err) = self.columns_sound() {
                    damage = Some(err);
                    return ControlFlow::Break(());
                }
                checked = true;
            }
            on_hit(head, hit)
        };
        let results = self.guarded(|| self.search_unguarded(request, &mut once_sound));
        match damage {
            Some(err) => Err(err),
            None => results,
        }
    }

    fn search_unguarded(
        &self,
        request: &SearchRequest,
        on_hit: OnHit<'_>,
    ) -> Result<SearchResults> {
        let mut compiled = self.compile(request)?;
        let searcher = self.reader.searcher();
        let mut results = SearchResults {
            query: request.query.clone(),
            total: 0,
            distinct: None,
            documents: None,
            hits: Vec::new(),
            cita_version: CITA_VERSION,
            index_fingerprint: self.fingerprint_of(&searcher)?,
            groups: None,
            facets: None,
            partial_total: None,
        };
        if request.sort == Sort::Relevance && !request.group {
            // Facets count every match, but need neither scores nor order.
            if request.facets {
                results.facets = Some(self.facets(&searcher, &compiled, request.facet_limit)?);
            }
            if request.limit == 0 && request.collapse {
                // Every match's key counts both.
                let weight = self.weight(&searcher, &compiled)?;
                let every = collect(&searcher, &*weight, &EveryMatch)?;
                let tally = self.tally(&searcher, every, &[])?;
                results.total = tally.total;
                results.distinct = Some(tally.distinct);
                return Ok(results);
            }
            if request.limit == 0 {
                results.total = searcher.search(&*compiled.query, &Count)? as u64;
                return Ok(results);
            }
            if request.collapse {
                return self.collapsed(&searcher, &mut compiled, request, results, on_hit);
            }
            let (ranked, total) = self.top(&searcher, &compiled, request)?;
            results.total = total;
            for (rank, hit) in ranked {
                let hit = self.finish(&searcher, &mut compiled.highlight, request, rank, hit?)?;
                if on_hit(&results, hit).is_break() {
                    return Ok(results);
                }
            }
            self.fill_with_partial_matches(
                &searcher,
                &mut compiled,
                request,
                total,
                &mut results,
                on_hit,
            )?;
            return Ok(results);
        }

        if !request.group {
            let wanted = request.offset.saturating_add(request.limit);
            let mut sorted =
                self.sorted_matches(&searcher, &compiled, request.sort, wanted, request.collapse)?;
            results.total = sorted.every.len() as u64;
            if request.facets {
                let every = sorted.every.iter().map(|m| m.address);
                results.facets = Some(self.facets_of(&searcher, every, request.facet_limit)?);
            }
            let mut copies = None;
            let mut shown = std::mem::take(&mut sorted.first);
            if request.collapse {
                results.distinct = Some(sorted.distinct());
                shown = collapse::collapse(shown, |m| m.keys.copy_key)
                    .into_iter()
                    .map(|(first, _)| first)
                    .collect();
                shown.truncate(wanted);
                copies = Some(sorted.others_of(&shown[shown.len().min(request.offset)..]));
            }
            let page = shown.into_iter().enumerate().skip(request.offset);
            for (index, m) in page.take(request.limit) {
                let hit = self.stored_hit(&searcher, m.score, m.address)?;
                let mut hit =
                    self.finish(&searcher, &mut compiled.highlight, request, index + 1, hit)?;
                if let Some(copies) = &mut copies {
                    let others = copies.remove(&m.keys.copy_key).unwrap_or_default();
                    let others = self.placed(&searcher, others)?;
                    self.copies_of(&searcher, others, m.keys.copy_key)?
                        .list_on(&mut hit);
                }
                if on_hit(&results, hit).is_break() {
                    break;
                }
            }
            return Ok(results);
        }
        // Grouped: every match ordered whole by its head (its document is
        // its group), and only the page's groups' matches read whole.
        let every = self.in_whole_order(&searcher, &compiled, request.sort)?;
        results.total = every.len() as u64;
        if request.facets {
            let every = every.iter().map(|m| m.address);
            results.facets = Some(self.facets_of(&searcher, every, request.facet_limit)?);
        }
        let ranked = (every.into_iter().enumerate()).map(|(i, m)| (i + 1, m.head.document, m));
        let hit = |rank: usize, m: Sortable| {
            let hit = self.stored_hit(&searcher, m.head.score, m.address)?;
            self.finish(&searcher, &mut compiled.highlight, request, rank, hit)
        };
        let (members, documents) = group::group(ranked, request.offset, request.limit, hit)?;
        let groups: Vec<_> = (members.into_iter().enumerate())
            .filter_map(|(i, hits)| group::document_group(request.offset + i + 1, hits))
            .collect();
        results.documents = Some(documents as u64);
        results.hits = groups
            .iter()
            .filter_map(|g| g.hits.first().cloned())
            .collect();
        results.groups = Some(groups);
        Ok(results)
    }

    /// How many passages and documents match, without ranking anything.
    pub fn count(&self, request: &SearchRequest) -> Result<Counts> {
        self.guarded(|| self.count_unguarded(request))
    }

    fn count_unguarded(&self, request: &SearchRequest) -> Result<Counts> {
        let compiled = self.compile(request)?;
        let searcher = self.reader.searcher();
        let matches = self.unscored(&searcher, &compiled)?;
        let documents: HashSet<DocumentKey> = matches.iter().map(|m| m.keys.document()).collect();
        Ok(Counts {
            passages: matches.len() as u64,
            documents: documents.len() as u64,
        })
    }

    /// Counts the passages matching `request` per period of their publication
    /// date (or, with `mentioned`, per year they mention), and per source with
    /// `by_source`. `request`'s filters apply; its limit, sort and paging do not.
    pub fn timeline(
        &self,
        request: &SearchRequest,
        by: Period,
        by_source: bool,
        mentioned: bool,
    ) -> Result<Timeline> {
        let axis = TimelineAxis {
            by,
            by_source,
            mentioned,
        };
        axis.check()?;
        self.guarded(|| {
            let compiled = self.compile(request)?;
            let searcher = self.reader.searcher();
            let every = searcher.search(&*compiled.query, &EveryMatch)?;
            let total = every.iter().map(|(_, docs)| docs.len() as u64).sum();
            let generation = self.generation_of(&searcher)?;
            let keys = addresses(every)
                .map(|address| {
                    generation.columns[address.segment_ord as usize].timeline_keys(
                        address.doc_id,
                        by_source,
                        mentioned,
                    )
                })
                .collect::<Result<Vec<_>>>()?;
            let span = timeline::span(axis, request.since, request.until, request.mentions);
            let (rows, undated) = timeline::rows(keys, axis, request.mentions, span);
            Ok(Timeline {
                query: request.query.clone(),
                axis: axis.name(),
                total,
                undated,
                rows,
                cita_version: CITA_VERSION,
                index_fingerprint: self.fingerprint_of(&searcher)?,
            })
        })
    }

    /// Every passage matching `request`'s query and filters, ranked as
    /// `search` ranks them, with its text and the spans that matched:
    /// what a concordance is made of. Limit, sort and paging do not apply.
    pub fn occurrences(&self, request: &SearchRequest) -> Result<Vec<(Hit, Vec<highlight::Span>)>> {
        self.guarded(|| {
            let first = self.first_occurrences(&self.reader.searcher(), request, usize::MAX)?;
            Ok(kwic::ranked(hits_of(first.found)))
        })
    }

    /// The first matches of `request` in relevance order whose highlighted
    /// spans fill `max_spans` lines ([`kwic::first_lines`]), each read
    /// with its match; every match counted, and whether any was left out.
    /// Only as many passages are read as the lines need: a common word's
    /// concordance held every matching passage's text at once (600 MB for
    /// `the` on the bench corpus).
    fn first_occurrences(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        max_spans: usize,
    ) -> Result<Occurrences> {
        let mut compiled = self.compile(request)?;
        // `*` and field terms (`lang:en`) mark no word: no passage has a
        // line, and reading every match to find none took 6 s and 1.3 GB
        // on the bench corpus, whatever the limit. They are counted.
        if compiled.highlight.marks_nothing() {
            return Ok(Occurrences {
                found: Vec::new(),
                passages: searcher.search(&*compiled.query, &Count)? as u64,
                truncated: false,
            });
        }
        // Every match ordered by its head, and each read whole as the
        // lines reach it.
        let mut every = self.sortables(searcher, &compiled, false, true)?;
        every.sort_by(|a, b| by_whole_head(Sort::Relevance, &a.head, &b.head));
        let passages = every.len() as u64;
        let generation = self.generation_of(searcher)?;
        let read = every.into_iter().map(|sortable| -> Result<_> {
            request.check_deadline()?;
            let m = generation.read_match(sortable.head.score, sortable.address)?;
            let hit = self.stored_hit(searcher, m.score, m.address)?;
            let spans = compiled
                .highlight
                .find(&hit.passage.text, hit.passage.language);
            Ok(((m, hit), spans))
        });
        let (found, truncated) = kwic::first_lines(read, max_spans)?;
        Ok(Occurrences {
            found,
            passages,
            truncated,
        })
    }

    /// This shard's part of the concordance of `request` over an archive's
    /// shards, scored with the archive's [`SearchRequest::statistics`]:
    /// its matches in relevance order as far as their lines reach one more
    /// than `max_lines` (so that [`crate::views::shards::kwic`] knows,
    /// line for line, what one index would cut), with their order keys.
    pub fn shard_kwic(&self, request: &SearchRequest, max_lines: usize) -> Result<ShardKwic> {
        self.guarded(|| {
            // One searcher for the matches and their keys: a reload
            // meanwhile would number another commit's segments.
            let searcher = self.reader.searcher();
            let first = self.first_occurrences(&searcher, request, max_lines.saturating_add(1))?;
            let generation = self.generation_of(&searcher)?;
            let found = first
                .found
                .into_iter()
                .map(|((m, hit), spans)| (candidate(&generation, m, None, false), hit, spans))
                .collect();
            Ok(ShardKwic {
                passages: first.passages,
                found,
                index_fingerprint: generation.fingerprint.clone(),
            })
        })
    }

    /// The concordance of `request`'s query over every matching passage
    /// (filters apply; limit, sort and paging do not), `width` display
    /// columns of context on each side, in `sort` order.
    pub fn kwic(
        &self,
        request: &SearchRequest,
        width: usize,
        sort: ContextSort,
    ) -> Result<Concordance> {
        self.kwic_lines(request, width, sort, usize::MAX)
    }

    /// [`Archive::kwic`] with at most `max_lines` lines: the first
    /// occurrences in relevance order, then put in `sort` order; the
    /// concordance says whether lines were left out
    /// ([`Concordance::truncated`]) and still counts every matching passage.
    /// A `width` outside 1 to [`kwic::MAX_WIDTH`] is refused.
    pub fn kwic_lines(
        &self,
        request: &SearchRequest,
        width: usize,
        sort: ContextSort,
        max_lines: usize,
    ) -> Result<Concordance> {
        kwic::check_width(width)?;
        let (first, fingerprint) = self.guarded(|| {
            let searcher = self.reader.searcher();
            let first = self.first_occurrences(&searcher, request, max_lines)?;
            Ok((first, self.fingerprint_of(&searcher)?))
        })?;
        let cut = (first.passages, first.truncated);
        let found = hits_of(first.found);
        Ok(kwic::concordance(
            &request.query,
            found,
            cut,
            width,
            sort,
            fingerprint,
        ))
    }

    /// Runs each query with the options of `template` (its `query` is
    /// ignored), lazily, in order, as [`batch::run`]: every matching passage
    /// is a row, so copies are not collapsed and no partial match fills a
    /// page, whatever `template.collapse` and `template.all_words` say. A
    /// query that fails does not stop the others; options that fail every
    /// query are for the caller to refuse first ([`query::check_options`]).
    pub fn batch<'a>(
        &'a self,
        queries: &'a [BatchQuery],
        template: &'a SearchRequest,
    ) -> impl Iterator<Item = BatchOutcome> + 'a {
        batch::run(queries, template, move |request| self.search(request))
    }

    /// The fingerprint of the indexed content this archive currently sees
    /// (see [`SearchResults::index_fingerprint`]).
    pub fn fingerprint(&self) -> Result<String> {
        self.guarded(|| self.fingerprint_of(&self.reader.searcher()))
    }

    /// The commit this archive currently sees, as a key: its fingerprint
    /// and its segments, each with its deletions. Two commits of the same
    /// content (a rebuild, a merge) share a fingerprint but not a key, and
    /// score alike only with the same deleted passages: a search over
    /// shards checks that each of its steps reads the commit its first did.
    pub fn commit(&self) -> Result<String> {
        self.guarded(|| {
            let searcher = self.reader.searcher();
            let mut segments = String::new();
            for segment in searcher.segment_readers() {
                let id = segment.segment_id().uuid_string();
                segments.push_str(&format!("{id}:{};", segment.num_deleted_docs()));
            }
            let hash = xxhash_rust::xxh3::xxh3_64(segments.as_bytes());
            Ok(format!("{}@{hash:016x}", self.fingerprint_of(&searcher)?))
        })
    }

    /// Which shard of an archive of how many (`[number, count]`) the index
    /// holds, as `cita index` built it with a shard
    /// ([`BuildOptions::shard`]); `None` for a whole index. A search over
    /// shards checks each is the one its folder should hold.
    pub fn shard(&self) -> Result<Option<[u32; 2]>> {
        self.guarded(|| Ok(self.generation_of(&self.reader.searcher())?.shard))
    }

    /// Runs the tantivy work of a public method. A damaged index makes
    /// tantivy fail or panic; either way the caller gets
    /// [`Error::Damaged`], naming the damaged files when their checksums
    /// tell, and no panic reaches it (nor, silenced, its terminal). A panic
    /// on files whose checksums are intact is cita's own bug:
    /// [`Error::Internal`], which does not send the user to rebuild.
    fn guarded<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        match error::catching(work) {
            Ok(Ok(value)) => self.columns_sound().map(|()| value),
            Ok(Err(err)) => match err.reading(&self.path) {
                // An engine error that does not say what it is (a block of
                // the doc store that does not decompress): damage if the
                // checksums say so.
                Error::Engine(err) => Err(self
                    .checksum_damage()
                    .flatten()
                    .map_or(Error::Engine(err), |detail| {
                        Error::damaged(&self.path, &detail)
                    })),
                other => Err(other),
            },
            Err(panic) => Err(panic_error(
                &self.path,
                "reading",
                &panic,
                self.checksum_damage(),
            )),
        }
    }

    /// Whether the column files of the generation last read passed their
    /// checksums (waiting for their check to end): an answer read from
    /// damaged columns is not given.
    fn columns_sound(&self) -> Result<()> {
        let generation = self
            .generation
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        match generation
            .as_ref()
            .and_then(|generation| generation.column_check.wait())
        {
            Some(detail) => Err(Error::damaged(&self.path, detail)),
            None => Ok(()),
        }
    }

    /// The files of the index that fail their checksum, if any, said on
    /// one line (see [`checksum_damage_of`]). Reading every file costs a
    /// moment: only after a failure.
    fn checksum_damage(&self) -> Option<Option<String>> {
        checksum_damage_of(self.reader.searcher().index())
    }

    /// The languages of the passages.
    pub fn languages(&self) -> Result<BTreeSet<Language>> {
        self.guarded(|| self.languages_of(&self.reader.searcher()))
    }

    fn languages_of(&self, searcher: &Searcher) -> Result<BTreeSet<Language>> {
        let mut languages = BTreeSet::new();
        for segment in searcher.segment_readers() {
            languages.extend(schema::segment_languages(segment, self.fields.language)?);
        }
        Ok(languages)
    }

    /// This index's BM25 figures for `request`'s query, when it is one
    /// shard of an archive whose passages are in `languages`: the first
    /// step of a search over shards (see [`query::statistics`]). Summed
    /// over the shards ([`CorpusStatistics::add`]) and set as
    /// [`SearchRequest::statistics`], they make every shard score as one
    /// index of the whole archive would.
    pub fn statistics(
        &self,
        request: &SearchRequest,
        languages: &BTreeSet<Language>,
    ) -> Result<CorpusStatistics> {
        self.guarded(|| {
            let searcher = self.reader.searcher();
            let gathered = Arc::new(Mutex::new(CorpusStatistics::for_languages(
                languages.iter().copied(),
            )));
            let statistics = Statistics::Gathering(Arc::clone(&gathered));
            let compiled = self.compile_with(request, &statistics)?;
            let schema = searcher.schema();
            let provider = Provider {
                searcher: &searcher,
                schema,
                statistics: &statistics,
            };
            // Building the scorers' weights asks for every figure they use.
            compiled
                .query
                .weight(EnableScoring::enabled_from_statistics_provider(
                    &provider, &searcher,
                ))?;
            drop(compiled);
            let mut figures =
                std::mem::take(&mut *gathered.lock().unwrap_or_else(PoisonError::into_inner));
            figures.documents = Bm25StatisticsProvider::total_num_docs(&searcher)?;
            figures.passages = searcher.num_docs();
            // Every field's, whether this shard holds the query's words
            // there or not: the archive's average length sums them all.
            for (field, entry) in schema.fields() {
                if entry.is_indexed() && matches!(entry.field_type(), FieldType::Str(_)) {
                    let tokens = searcher.total_num_tokens(field)?;
                    figures.tokens.insert(entry.name().to_string(), tokens);
                }
            }
            Ok(figures)
        })
    }

    /// This shard's answer to `request`, scored with the archive's
    /// [`SearchRequest::statistics`]: the second step of a search over
    /// shards. Its first `offset + limit` matches in the order asked for,
    /// as keys (no passage is loaded), its count and facets;
    /// [`crate::views::shards::page`] merges the shards' answers.
    pub fn shard_answer(&self, request: &SearchRequest) -> Result<ShardAnswer> {
        self.guarded(|| {
            // Compiled first, as one index checks a request (the caller
            // has refused a bad one before asking any shard).
            let compiled = self.compile(request)?;
            let searcher = self.reader.searcher();
            let wanted = request.offset.saturating_add(request.limit);
            if request.group {
                return self.grouped_shard_answer(&searcher, &compiled, request, wanted);
            }
            let mut keys = None;
            let (mut matches, total, facets) =
                if request.sort == Sort::Relevance && !request.facets && request.collapse {
                    let weight = self.weight(&searcher, &compiled)?;
                    let top = self.distinct_top(&searcher, &compiled, &*weight, wanted)?;
                    let firsts = top.firsts.iter().map(|&at| top.candidates[at]);
                    let firsts = firsts.map(|(score, at, _)| (score, at)).collect::<Vec<_>>();
                    let every = self.every_copy_key(&searcher, &*weight, top)?;
                    let total = every.len() as u64;
                    keys = Some(collapse::distinct(every));
                    (self.read_matches(&searcher, firsts)?, total, None)
                } else if request.sort == Sort::Relevance && !request.facets {
                    let collector = TopWithTies::new(
                        wanted.min(searcher.num_docs() as usize),
                        self.generation_of(&searcher)?,
                    )
                    .pruned(compiled.prunable);
                    let (best, total) = self.scored(&searcher, &compiled, &collector)?;
                    let mut matches = self.read_matches(&searcher, best)?;
                    matches.sort_by(|a, b| by_rank(a.rank_key(), b.rank_key()));
                    (matches, total, None)
                } else {
                    let sorted = self.sorted_matches(
                        &searcher,
                        &compiled,
                        request.sort,
                        wanted,
                        request.collapse,
                    )?;
                    let facets = match request.facets {
                        true => {
                            let every = sorted.every.iter().map(|m| m.address);
                            Some(self.facets_of(&searcher, every, None)?)
                        }
                        false => None,
                    };
                    let total = sorted.every.len() as u64;
                    if request.collapse {
                        keys = Some(sorted.copy_keys());
                    }
                    let mut matches = sorted.first;
                    if request.collapse {
                        let sets = collapse::collapse(matches, |m| m.keys.copy_key);
                        matches = sets.into_iter().map(|(first, _)| first).collect();
                    }
                    (matches, total, facets)
                };
            matches.truncate(wanted);
            // This shard's partial matches when its own full ones (each set
            // of copies once, when collapsing) leave room on the page: if
            // the archive's do not, every shard's do not.
            let shown = keys.as_ref().map_or(total, |keys| keys.len() as u64);
            let partial = self.partial_matches(&searcher, request, &compiled.memo, shown)?;
            let partial_total = partial.as_ref().map(|found| found.total);
            let generation = self.generation_of(&searcher)?;
            let mut candidates: Vec<Candidate> = matches
                .into_iter()
                .map(|m| candidate(&generation, m, None, request.collapse))
                .collect();
            if let Some(found) = partial {
                let best = found.best.into_iter().map(|(held, m)| {
                    candidate(&generation, m, Some(partial::count(held)), request.collapse)
                });
                candidates.extend(best);
            }
            Ok(ShardAnswer {
                total,
                candidates,
                facets,
                index_fingerprint: generation.fingerprint.clone(),
                partial_total,
                keys,
                documents: None,
            })
        })
    }

    /// A shard's answer to a grouped search: every match of its first
    /// `wanted` documents (in the order of their best match), its total,
    /// documents and facets. No partial matches and no collapsing, as one
    /// index groups.
    fn grouped_shard_answer(
        &self,
        searcher: &Searcher,
        compiled: &query::Compiled,
        request: &SearchRequest,
        wanted: usize,
    ) -> Result<ShardAnswer> {
        let every = self.in_whole_order(searcher, compiled, request.sort)?;
        let total = every.len() as u64;
        let facets = match request.facets {
            true => Some(self.facets_of(searcher, every.iter().map(|m| m.address), None)?),
            false => None,
        };
        let generation = self.generation_of(searcher)?;
        let ranked = (every.into_iter().enumerate()).map(|(i, m)| (i + 1, m.head.document, m));
        let (groups, documents) = group::group(ranked, 0, wanted, |_, m| {
            let read = generation.read_match(m.head.score, m.address)?;
            Ok(candidate(&generation, read, None, false))
        })?;
        Ok(ShardAnswer {
            total,
            candidates: groups.into_iter().flatten().collect(),
            facets,
            index_fingerprint: generation.fingerprint.clone(),
            partial_total: None,
            keys: None,
            documents: Some(documents as u64),
        })
    }

    /// For each of `members` (passages of other shards, or of this one, as
    /// [`crate::views::shards::page`] put them on a grouped page), how many
    /// of this shard's matches of `request` come before it in the order
    /// asked for: summed over the shards, its rank among every match, as
    /// one index ranks a group's passages. Part of the third step of a
    /// grouped search over shards, asked of every shard;
    /// [`crate::views::shards::add_ranks`] sums the counts.
    ///
    /// # Errors
    ///
    /// As [`Archive::search`].
    pub fn preceding(&self, request: &SearchRequest, members: &[Candidate]) -> Result<Vec<u64>> {
        self.guarded(|| {
            let compiled = self.compile(request)?;
            let searcher = self.reader.searcher();
            let every = self.in_whole_order(&searcher, &compiled, request.sort)?;
            let generation = self.generation_of(&searcher)?;
            // The whole order is `in_order`'s: a member's place is found
            // by bisection, reading the rank keys of a few matches only.
            members
                .iter()
                .map(|member| {
                    let (mut before, mut after) = (0, every.len());
                    while before < after {
                        let middle = before + (after - before) / 2;
                        let sortable = &every[middle];
                        let m = generation.read_match(sortable.head.score, sortable.address)?;
                        let order = in_order(
                            request.sort,
                            (m.keys.date, m.rank_key()),
                            shards::order_key(member),
                        );
                        if order.is_lt() {
                            before = middle + 1;
                        } else {
                            after = middle;
                        }
                    }
                    Ok(before as u64)
                })
                .collect()
        })
    }

    /// The hits `picks` name, finished (snippet, highlights, `matched`,
    /// citation, context) as `request` asks: the third step of a search
    /// over shards, for the passages of the page this shard holds. A pick
    /// naming no passage of this shard is an error.
    pub fn fetch(&self, request: &SearchRequest, picks: &[Pick]) -> Result<Vec<Hit>> {
        self.guarded(|| {
            let mut compiled = self.compile(request)?;
            let partial = match picks.iter().any(|pick| pick.partial) {
                true => self.partial_of(request, &compiled.memo)?,
                false => None,
            };
            let searcher = self.reader.searcher();
            let lacking = partial
                .as_ref()
                .map(|partial| partial.lacking(&searcher))
                .transpose()?;
            picks
                .iter()
                .map(|pick| {
                    let address = self.address_of(&searcher, &pick.id)?.ok_or_else(|| {
                        Error::InvalidOption(format!(
                            "no passage {} in the index at {}",
                            pick.id,
                            self.path.display()
                        ))
                    })?;
                    let hit = self.stored_hit(&searcher, pick.score, address)?;
                    let mut hit =
                        self.finish(&searcher, &mut compiled.highlight, request, pick.rank, hit)?;
                    if let (true, Some(lacking)) = (pick.partial, &lacking) {
                        hit.partial = true;
                        hit.missing = lacking.missing(address)?;
                    }
                    Ok(hit)
                })
                .collect()
        })
    }

    /// This shard's copies of the passages a search over shards shows
    /// (with [`SearchRequest::collapse`]), one [`Copies`] per passage of
    /// `shown`, in its order: the matches of `request` with the same copy
    /// key (the partial matches, for a partial match), the shown passage
    /// left out. Part of the third step of a search
    /// over shards, asked of every shard; [`crate::views::shards::add_copies`]
    /// merges the shards' lists.
    pub fn copies(&self, request: &SearchRequest, shown: &[Shown]) -> Result<Vec<Copies>> {
        self.guarded(|| {
            let compiled = self.compile(request)?;
            let searcher = self.reader.searcher();
            let generation = self.generation_of(&searcher)?;
            let of: KeySet = shown.iter().map(|s| s.key).collect();
            let weight = self.weight(&searcher, &compiled)?;
            let mut full = self.copies_by_key(&searcher, &*weight, &of)?;
            // A partial match's copies are the partial matches of its key:
            // those the terms it holds match, less the full matches (a copy
            // in another language may hold every word through its stemmer).
            let mut partial = CopiesByKey::new();
            let partial_keys: KeySet = shown.iter().filter(|s| s.partial).map(|s| s.key).collect();
            if !partial_keys.is_empty()
                && let Some(matches) = self.partial_of(request, &compiled.memo)?
            {
                let scoring = EnableScoring::disabled_from_searcher(&searcher);
                let weight = matches.scored.weight(scoring)?;
                partial = self.copies_by_key(&searcher, &*weight, &partial_keys)?;
                for (key, addresses) in &mut partial {
                    if let Some(full) = full.get(key) {
                        let full: HashSet<&DocAddress> = full.iter().collect();
                        addresses.retain(|address| !full.contains(address));
                    }
                }
            }
            shown
                .iter()
                .map(|shown| {
                    let found = match shown.partial {
                        true => &mut partial,
                        false => &mut full,
                    };
                    let others = found.get_mut(&shown.key).map(std::mem::take);
                    let others = others.unwrap_or_default().into_iter().filter(|address| {
                        let id =
                            generation.columns[address.segment_ord as usize].id(address.doc_id);
                        format!("{id:016x}") != shown.id
                    });
                    let others = self.placed(&searcher, others.collect())?;
                    self.copies_of(&searcher, others, shown.key)
                })
                .collect()
        })
    }

    /// Checks the request's options and compiles its query with its filters.
    fn compile(&self, request: &SearchRequest) -> Result<query::Compiled> {
        self.compile_with(request, &statistics_of(request))
    }

    fn compile_with(
        &self,
        request: &SearchRequest,
        statistics: &Statistics,
    ) -> Result<query::Compiled> {
        let mut compiled = query::compile_request(request, &self.fields, statistics)?;
        for filter in self.restrictions(request) {
            compiled.restrict(filter);
        }
        Ok(compiled)
    }

    /// The request's filters that are not in its query: years mentioned,
    /// languages, publication.
    fn restrictions(&self, request: &SearchRequest) -> Vec<Box<dyn Query>> {
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        if let Some(years) = request.mentions {
            let term = |year: u16| {
                Bound::Included(Term::from_field_u64(self.fields.mentions, u64::from(year)))
            };
            filters.push(Box::new(RangeQuery::new(
                term(years.first),
                term(years.last),
            )));
        }
        if !request.languages.is_empty() {
            filters.push(query::language_terms(
                self.fields.language,
                &request.languages,
            ));
        }
        if let Some(publication) = &request.publication {
            filters.push(query::publication_is(publication));
        }
        if let Some(author) = &request.author {
            filters.push(query::author_is(author));
        }
        filters
    }

    /// The partial matches of `request` when it looks for them and its
    /// `full` matches leave room on its page: the query's terms, how many
    /// passages hold at least half of them but not all, and the best of
    /// those the page can show (at most `offset + limit - full`), in
    /// partial order.
    fn partial_matches(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        memo: &InflectionMemo,
        full: u64,
    ) -> Result<Option<PartialMatches>> {
        let wanted = request.offset.saturating_add(request.limit);
        let room = usize::try_from((wanted as u64).saturating_sub(full)).unwrap_or(usize::MAX);
        // A count (no page) has none, as one index counts (`limit` 0
        // returns before partial matches are looked for).
        if request.all_words
            || request.limit == 0
            || request.limit == ALL
            || request.sort != Sort::Relevance
            || request.group
            || room == 0
        {
            return Ok(None);
        }
        let Some(partial) = self.partial_of(request, memo)? else {
            return Ok(None);
        };
        let statistics = statistics_of(request);
        let all = TopDocs::with_limit((searcher.num_docs() as usize).max(1)).order_by_score();
        let mut found = self.scored_query(searcher, &*partial.scored, &statistics, &all)?;
        // Which terms each holds, read forward through each term's matches.
        found.sort_by_key(|&(_, address)| address);
        let addresses: Vec<DocAddress> = found.iter().map(|&(_, address)| address).collect();
        let held = partial.lacking(searcher)?.held(&addresses)?;
        let terms = partial.terms();
        let mut scored: Vec<(usize, Held, f32, DocAddress)> = held
            .into_iter()
            .zip(found)
            .map(|(held, (score, address))| (partial::count(held), held, score, address))
            .filter(|&(count, ..)| count < terms)
            .collect();
        let total = scored.len() as u64;
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.total_cmp(&a.2)));
        // Collapsing, the page shows the first passage of each of the first
        // `room` copy keys: they lie among the first passages holding that
        // many keys. A shown partial match's duplicates are the other
        // partial matches of its key (copies in other languages, or in
        // documents a field term tells apart, may be full matches,
        // listed under the full hit of that key).
        let keys = request
            .collapse
            .then(|| self.partial_copy_keys(searcher, &scored))
            .transpose()?;
        let mut end = match &keys {
            Some(keys) => collapse::firsts(keys.iter().copied(), room)
                .last()
                .map_or(0, |&last| last + 1),
            None => room.min(scored.len()),
        };
        // Passages tied with the last one shown are ordered by their keys,
        // read from fast fields for those only.
        if let Some(&(count, _, score, _)) = end.checked_sub(1).map(|last| &scored[last]) {
            while scored
                .get(end)
                .is_some_and(|&(c, _, s, _)| c == count && s == score)
            {
                end += 1;
            }
        }
        let held: Vec<Held> = scored[..end].iter().map(|&(_, held, _, _)| held).collect();
        let matches = self.read_matches(
            searcher,
            scored[..end]
                .iter()
                .map(|&(_, _, score, address)| (score, address)),
        )?;
        let mut best: Vec<(Held, Match)> = held.into_iter().zip(matches).collect();
        best.sort_by(|a, b| {
            let (held_a, held_b) = (partial::count(a.0), partial::count(b.0));
            by_partial_rank((held_a, a.1.rank_key()), (held_b, b.1.rank_key()))
        });
        if keys.is_some() {
            best = collapse::collapse(best, |(_, m)| m.keys.copy_key)
                .into_iter()
                .map(|(first, _)| first)
                .collect();
        }
        best.truncate(room);
        let copies = keys.map(|keys| {
            let shown: KeySet = best.iter().map(|(_, m)| m.keys.copy_key).collect();
            let mut by_key = CopiesByKey::new();
            for (key, &(.., address)) in keys.into_iter().zip(&scored) {
                if shown.contains(&key) {
                    by_key.entry(key).or_default().push(address);
                }
            }
            by_key
        });
        Ok(Some(PartialMatches {
            total,
            best,
            partial,
            copies,
        }))
    }

    /// The copy key of each of `scored`'s passages, in its order.
    fn partial_copy_keys(
        &self,
        searcher: &Searcher,
        scored: &[(usize, Held, f32, DocAddress)],
    ) -> Result<Vec<u64>> {
        let generation = self.generation_of(searcher)?;
        Ok(scored
            .iter()
            .map(|&(.., address)| {
                generation.columns[address.segment_ord as usize].copy_key(address.doc_id)
            })
            .collect())
    }

    /// The partial matches of `request`'s query with its filters, or `None`
    /// when it is not an AND of two or more terms.
    fn partial_of(
        &self,
        request: &SearchRequest,
        memo: &InflectionMemo,
    ) -> Result<Option<Partial>> {
        let node = query::parse(&request.query)?;
        let statistics = statistics_of(request);
        let dates = DateRange::of(request);
        let partial = query::partial::compile(&node, &self.fields, dates, &statistics, memo)?;
        Ok(partial.map(|mut partial| {
            for filter in self.restrictions(request) {
                partial.restrict(filter);
            }
            partial
        }))
    }

    /// The page of hits (`limit` after the best `offset`) in relevance
    /// order, with their ranks, and the number of matches. Stored fields
    /// are loaded for the page only, as the hits are taken.
    fn top<'a>(
        &'a self,
        searcher: &'a Searcher,
        compiled: &query::Compiled,
        request: &SearchRequest,
    ) -> Result<(RankedHits<'a>, u64)> {
        // More than every passage is never needed (and a huge --limit must not allocate).
        let wanted = request
            .offset
            .saturating_add(request.limit)
            .min(searcher.num_docs() as usize);
        let ties = self.generation_of(searcher)?;
        let collector = TopWithTies::new(wanted, ties).pruned(compiled.prunable);
        let (mut best, total) = self.scored(searcher, compiled, &collector)?;
        best.sort_by(|a, b| b.0.total_cmp(&a.0));
        let tied = best.windows(2).any(|pair| pair[0].0 == pair[1].0);
        // When every candidate is on a page of a usual size, their stored
        // passages (loaded anyway) carry the rank keys; otherwise the keys
        // of tied candidates come from fast fields (reading a source path
        // from its dictionary costs as much as loading a passage), and the
        // hits are loaded one by one as they are shown. The collector
        // leaves few candidates: at most `wanted` per segment.
        let all_on_page =
            best.len() <= wanted && request.offset == 0 && best.len() <= LOADED_TO_ORDER;
        let first_rank = request.offset + 1;
        if tied && all_on_page {
            let mut hits = best
                .into_iter()
                .map(|(score, address)| self.stored_hit(searcher, score, address))
                .collect::<Result<Vec<_>>>()?;
            hits.sort_by(|a, b| by_rank(hit_rank_key(a), hit_rank_key(b)));
            let ranked = (first_rank..).zip(hits.into_iter().map(Ok));
            return Ok((Box::new(ranked), total));
        }
        if tied {
            self.order_ties(searcher, &mut best)?;
        }
        let page = best
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .map(move |(score, address)| self.stored_hit(searcher, score, address));
        Ok((Box::new((first_rank..).zip(page)), total))
    }

    /// Orders each run of equal scores in `best` (sorted by score) by
    /// source, record, entry, paragraph and part, reading the keys of one
    /// run at a time: an export of every match holds the keys of its
    /// largest run of ties, not of every match.
    fn order_ties(&self, searcher: &Searcher, best: &mut [(f32, DocAddress)]) -> Result<()> {
        for run in best.chunk_by_mut(|a, b| a.0 == b.0) {
            if run.len() < 2 {
                continue;
            }
            let mut tied = self.read_matches(searcher, run.iter().copied())?;
            tied.sort_by(|a, b| by_rank(a.rank_key(), b.rank_key()));
            for (slot, m) in run.iter_mut().zip(tied) {
                *slot = (m.score, m.address);
            }
        }
        Ok(())
    }

    /// The relevance-ordered page of a search that collapses copies, with
    /// `total`, `distinct` and each hit's duplicates, into `results`.
    fn collapsed(
        &self,
        searcher: &Searcher,
        compiled: &mut query::Compiled,
        request: &SearchRequest,
        mut results: SearchResults,
        on_hit: OnHit<'_>,
    ) -> Result<SearchResults> {
        let wanted = request.offset.saturating_add(request.limit);
        // One weight for every pass: building it (a word's inflections
        // looked up) costs more than a rare word's search.
        let weight = self.weight(searcher, compiled)?;
        let top = self.distinct_top(searcher, compiled, &*weight, wanted)?;
        let page: Vec<Scored> = top
            .firsts
            .iter()
            .skip(request.offset)
            .take(request.limit)
            .map(|&at| top.candidates[at])
            .collect();
        let Tally {
            total,
            distinct,
            mut copies,
        } = self.tally_top(searcher, &*weight, top, &page)?;
        results.total = total;
        results.distinct = Some(distinct);
        for (index, (score, address, key)) in page.into_iter().enumerate() {
            let hit = self.stored_hit(searcher, score, address)?;
            let rank = request.offset + index + 1;
            let mut hit = self.finish(searcher, &mut compiled.highlight, request, rank, hit)?;
            self.list_duplicates(searcher, &mut hit, address, key, &mut copies)?;
            if on_hit(&results, hit).is_break() {
                return Ok(results);
            }
        }
        let shown = results.distinct.unwrap_or(results.total);
        self.fill_with_partial_matches(searcher, compiled, request, shown, &mut results, on_hit)?;
        Ok(results)
    }

    /// Hands to `on_hit` the partial matches the page has room for after
    /// the `full` matches it can show (see [`query::partial`]), ranked
    /// after them, and sets how many there are in `results`.
    fn fill_with_partial_matches(
        &self,
        searcher: &Searcher,
        compiled: &mut query::Compiled,
        request: &SearchRequest,
        full: u64,
        results: &mut SearchResults,
        on_hit: OnHit<'_>,
    ) -> Result<()> {
        let Some(PartialMatches {
            partial,
            total,
            best,
            mut copies,
        }) = self.partial_matches(searcher, request, &compiled.memo, full)?
        else {
            return Ok(());
        };
        results.partial_total = Some(total);
        let skip = request.offset.saturating_sub(full as usize);
        for (at, (held, m)) in best.into_iter().enumerate().skip(skip) {
            let rank = full as usize + at + 1;
            let hit = self.stored_hit(searcher, m.score, m.address)?;
            let mut hit = self.finish(searcher, &mut compiled.highlight, request, rank, hit)?;
            hit.partial = true;
            hit.missing = partial.missing(held);
            if let Some(copies) = &mut copies {
                self.list_duplicates(searcher, &mut hit, m.address, m.keys.copy_key, copies)?;
            }
            if on_hit(results, hit).is_break() {
                break;
            }
        }
        Ok(())
    }

    /// The first `wanted` distinct matches in relevance order (see
    /// [`TopDistinct`]). The collector is asked for `wanted` matches, and
    /// for more, again, only while copies among them leave fewer than
    /// `wanted` keys. A query the collector cannot prune goes through
    /// every match anyway: the first pass reads every match's copy key
    /// on the way.
    fn distinct_top(
        &self,
        searcher: &Searcher,
        compiled: &query::Compiled,
        weight: &dyn Weight,
        wanted: usize,
    ) -> Result<TopDistinct> {
        let all = searcher.num_docs() as usize;
        let wanted = wanted.min(all);
        let generation = self.generation_of(searcher)?;
        // A few more than wanted, so that a copy or two among the best
        // asks for no second pass.
        let mut asked = wanted.saturating_add(wanted / 2).min(all);
        let mut every = None;
        loop {
            let mut collector =
                TopWithTies::new(asked, Arc::clone(&generation)).pruned(compiled.prunable);
            // Pruned, the count would go through every match: the pass
            // that reads their keys counts them, when one is needed.
            if compiled.prunable {
                collector = collector.uncounted();
            }
            let reading = !compiled.prunable && every.is_none();
            if reading {
                collector = collector.listing();
            }
            let (best, counted) = collect(searcher, weight, &collector)?;
            // Fewer than asked: they are every match.
            let complete = best.len() < asked || asked >= all;
            if reading {
                every = Some(collector.take_listed());
            }
            let mut ordered = in_rank_order(&generation, best)?;
            // Past `asked`, the collector's ties are not a prefix of the order.
            ordered.truncate(asked);
            let candidates: Vec<Scored> = ordered
                .into_iter()
                .map(|(score, at)| {
                    let key = generation.columns[at.segment_ord as usize].copy_key(at.doc_id);
                    (score, at, key)
                })
                .collect();
            let firsts = collapse::firsts(candidates.iter().map(|c| c.2), wanted);
            let total = match complete {
                true => Some(candidates.len() as u64),
                false => (!compiled.prunable).then_some(counted),
            };
            if firsts.len() >= wanted || total.is_some_and(|total| candidates.len() as u64 >= total)
            {
                return Ok(TopDistinct {
                    candidates,
                    firsts,
                    total,
                    every,
                });
            }
            // Copies took places: ask for enough more, at the rate found.
            let rate = asked.div_ceil(firsts.len().max(1));
            asked = asked
                .saturating_mul(2)
                .max(wanted.saturating_mul(rate))
                .min(all);
        }
    }

    /// What a collapsing search needs of every match, `top` found first:
    /// taken from its candidates when they are every match (most
    /// queries), else from the matches its collector listed on the way,
    /// else from one more pass over every match, unscored.
    fn tally_top(
        &self,
        searcher: &Searcher,
        weight: &dyn Weight,
        top: TopDistinct,
        page: &[Scored],
    ) -> Result<Tally> {
        if top.holds_every_match() {
            let of: KeySet = page.iter().map(|c| c.2).collect();
            let mut copies = CopiesByKey::new();
            for &(_, address, key) in top.candidates.iter().filter(|c| of.contains(&c.2)) {
                copies.entry(key).or_default().push(address);
            }
            let keys = top.candidates.iter().map(|c| c.2).collect();
            return Ok(Tally {
                total: top.candidates.len() as u64,
                distinct: collapse::count_distinct(&[keys]) as u64,
                copies,
            });
        }
        let every = every_match(searcher, weight, top.every)?;
        self.tally(searcher, every, page)
    }

    /// How many of `every` match there are, how many distinct, and the
    /// matches holding the copy key of a passage of `page`, by key. With
    /// the index's copy map, only the matches that have copies are looked
    /// at: the others count one each. Without, every match's key is read
    /// and the keys are counted: what a search with few matches does
    /// rather than read the map (see [`COPY_MAP_SHARE`]).
    fn tally(&self, searcher: &Searcher, every: Listed, page: &[Scored]) -> Result<Tally> {
        let generation = self.generation_of(searcher)?;
        let total: u64 = every.iter().map(|(_, docs)| docs.len() as u64).sum();
        let mut copies = CopiesByKey::new();
        let worth_reading = total.saturating_mul(COPY_MAP_SHARE) >= searcher.num_docs();
        let map = match generation.copy_map.get() {
            Some(map) => Some(map),
            None if worth_reading => self.read_copy_map(&generation, searcher),
            None => None,
        };
        let Some(map) = map else {
            let of: KeySet = page.iter().map(|c| c.2).collect();
            let keys = self.read_copy_keys(&generation, every, &of, &mut copies);
            return Ok(Tally {
                total,
                distinct: collapse::count_distinct(&keys) as u64,
                copies,
            });
        };
        // The page's sets of copies, with their key, and a bit per set
        // that says which: looked up for every match with copies.
        let words = (map.sets() as usize).div_ceil(64);
        let mut on_page = vec![0u64; words];
        let of: HashMap<u32, u64> = page
            .iter()
            .filter_map(|&(_, at, key)| {
                let set = map.segment(at.segment_ord).set_of(at.doc_id)?;
                on_page[set as usize / 64] |= 1 << (set % 64);
                Some((set, key))
            })
            .collect();
        let mut seen = vec![0u64; words];
        let mut with_copies = 0;
        for (segment, docs) in &every {
            map.segment(*segment).each_with_copies(docs, |doc, set| {
                with_copies += 1;
                let (word, bit) = (set as usize / 64, 1 << (set % 64));
                seen[word] |= bit;
                if on_page[word] & bit != 0
                    && let Some(&key) = of.get(&set)
                {
                    copies
                        .entry(key)
                        .or_default()
                        .push(DocAddress::new(*segment, doc));
                }
            });
        }
        let sets_seen: u64 = seen.iter().map(|bits| u64::from(bits.count_ones())).sum();
        Ok(Tally {
            total,
            distinct: total - with_copies + sets_seen,
            copies,
        })
    }

    /// The index's copy map for `generation`, read from its file unless
    /// that is unchanged since it last did not describe the generation.
    fn read_copy_map<'g>(
        &self,
        generation: &'g Generation,
        searcher: &Searcher,
    ) -> Option<&'g CopyMap> {
        let modified = std::fs::metadata(self.path.join(store::COPY_MAP_FILE))
            .and_then(|file| Ok((file.modified()?, file.len())))
            .ok();
        let mut refused = generation
            .copy_map_refused
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(map) = generation.copy_map.get() {
            // Read by another search while this one waited.
            return Some(map);
        }
        if *refused == Some(modified) {
            return None;
        }
        match CopyMap::load(&self.path, searcher) {
            Some(map) => Some(generation.copy_map.get_or_init(|| map)),
            None => {
                *refused = Some(modified);
                None
            }
        }
    }

    /// The copy keys of `every` match (a list per segment), and into
    /// `copies` the matches whose key is in `of`.
    fn read_copy_keys(
        &self,
        generation: &Generation,
        every: Listed,
        of: &KeySet,
        copies: &mut CopiesByKey,
    ) -> Vec<Vec<u64>> {
        every
            .into_iter()
            .map(|(segment, docs)| {
                let mut keys = Vec::with_capacity(docs.len());
                generation.columns[segment as usize].copy_keys(&docs, &mut keys);
                if !of.is_empty() {
                    for (&key, &doc) in keys.iter().zip(&docs) {
                        if of.contains(&key) {
                            copies
                                .entry(key)
                                .or_default()
                                .push(DocAddress::new(segment, doc));
                        }
                    }
                }
                keys
            })
            .collect()
    }

    /// The copy key of every match `top` was found among, once per match:
    /// a shard's part of a search over shards, whose keys the coordinator
    /// counts together.
    fn every_copy_key(
        &self,
        searcher: &Searcher,
        weight: &dyn Weight,
        top: TopDistinct,
    ) -> Result<Vec<u64>> {
        if top.holds_every_match() {
            return Ok(top.candidates.iter().map(|c| c.2).collect());
        }
        let every = every_match(searcher, weight, top.every)?;
        let generation = self.generation_of(searcher)?;
        let keys = self.read_copy_keys(
            &generation,
            every,
            &KeySet::default(),
            &mut CopiesByKey::new(),
        );
        Ok(keys.concat())
    }

    /// The matches of `weight` whose copy key is in `of`, by key: one
    /// pass over every match, unscored, reading one column.
    fn copies_by_key(
        &self,
        searcher: &Searcher,
        weight: &dyn Weight,
        of: &KeySet,
    ) -> Result<CopiesByKey> {
        let every = collect(searcher, weight, &EveryMatch)?;
        let generation = self.generation_of(searcher)?;
        let mut copies = CopiesByKey::new();
        self.read_copy_keys(&generation, every, of, &mut copies);
        Ok(copies)
    }

    /// Lists on `hit`, the passage at `shown` of copy key `key`, the other
    /// matches of its key in `copies` as its duplicates.
    fn list_duplicates(
        &self,
        searcher: &Searcher,
        hit: &mut Hit,
        shown: DocAddress,
        key: u64,
        copies: &mut CopiesByKey,
    ) -> Result<()> {
        let others = copies.remove(&key).unwrap_or_default();
        let others = others.into_iter().filter(|&other| other != shown);
        let others = self.placed(searcher, others.collect())?;
        self.copies_of(searcher, others, key)?.list_on(hit);
        Ok(())
    }

    /// The duplicates of a shown passage of copy key `key` from the other
    /// matches holding it: the first [`collapse::LISTED`] in source order,
    /// loaded, and how many there are.
    fn copies_of(
        &self,
        searcher: &Searcher,
        mut others: Vec<(Place, DocAddress)>,
        key: u64,
    ) -> Result<Copies> {
        others.sort_unstable();
        let total = others.len() as u64;
        let listed = others
            .iter()
            .take(collapse::LISTED)
            .map(|(_, address)| Ok(Duplicate::of(self.stored_passage(searcher, *address)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Copies { key, listed, total })
    }

    /// The place of each match at `addresses`: its path and entry read one
    /// by one for a few (a search process reads no dictionary whole for a
    /// hit's copies), from the segments' dictionaries for many.
    fn placed(
        &self,
        searcher: &Searcher,
        addresses: Vec<DocAddress>,
    ) -> Result<Vec<(Place, DocAddress)>> {
        if addresses.len() > 4 * collapse::LISTED {
            let matches = self.read_matches(searcher, addresses.into_iter().map(|a| (0.0, a)))?;
            return Ok(matches.iter().map(|m| (place_of(m), m.address)).collect());
        }
        let generation = self.generation_of(searcher)?;
        addresses
            .into_iter()
            .map(|at| {
                Ok((
                    generation.columns[at.segment_ord as usize].place(at.doc_id)?,
                    at,
                ))
            })
            .collect()
    }

    /// Adds what the search shows to a stored hit: rank, snippet,
    /// highlights, `matched`, and the citation and context when asked for.
    fn finish(
        &self,
        searcher: &Searcher,
        plan: &mut HighlightPlan,
        request: &SearchRequest,
        rank: usize,
        mut hit: Hit,
    ) -> Result<Hit> {
        request.check_deadline()?;
        hit.rank = rank;
        let (spans, matched) = plan.find_and_explain(&hit.passage.text, hit.passage.language);
        let snippet = highlight::snippet(&hit.passage.text, &spans, request.snippet_chars);
        hit.snippet = snippet.text;
        hit.highlights = snippet.highlights;
        hit.matched = matched;
        if request.cite {
            hit.citation = Some(hit.passage.citation());
        }
        if request.context > 0 {
            let (before, after) = self.neighbours(searcher, &hit.passage, request.context)?;
            hit.before = Some(before);
            hit.after = Some(after);
        }
        Ok(hit)
    }

    /// Every match of `compiled` in the order `sort` gives, read whole only
    /// as far as the first `wanted` matches (sets of copies, when
    /// `collapse`) need: a match's keys cost some 600 bytes (its path and
    /// entry among them), and a sort by date of a common word held every
    /// match's (`the` on the bench corpus: 164 MB and 0.35 s). Every match
    /// is ordered by its [`SortHead`] (its date, or its document by the
    /// ranks of its path and entry among the generation's, and its
    /// score); the matches it does not tell from the last of those wanted
    /// are read too, and ordered by the rest of their rank key.
    fn sorted_matches(
        &self,
        searcher: &Searcher,
        compiled: &query::Compiled,
        sort: Sort,
        wanted: usize,
        collapse: bool,
    ) -> Result<SortedMatches> {
        let by_document = matches!(sort, Sort::Source | Sort::Document);
        let mut every = self.sortables(searcher, compiled, !by_document, by_document)?;
        let coarse = |a: &Sortable, b: &Sortable| by_head(sort, &a.head, &b.head);
        every.sort_by(coarse);
        let mut end = match collapse {
            true => collapse::firsts(every.iter().map(|m| m.copy_key), wanted)
                .last()
                .map_or(0, |&last| last + 1),
            false => wanted.min(every.len()),
        };
        if let Some(last) = end.checked_sub(1).map(|last| every[last]) {
            while every
                .get(end)
                .is_some_and(|next| coarse(next, &last).is_eq())
            {
                end += 1;
            }
        }
        let read = every[..end].iter().map(|m| (m.head.score, m.address));
        let mut first = self.read_matches(searcher, read)?;
        first.sort_by(|a, b| {
            in_order(
                sort,
                (a.keys.date, a.rank_key()),
                (b.keys.date, b.rank_key()),
            )
        });
        Ok(SortedMatches { every, first })
    }

    /// Every match of `compiled` in the whole order `sort` gives
    /// ([`by_whole_head`]): what a grouped search ranks.
    fn in_whole_order(
        &self,
        searcher: &Searcher,
        compiled: &query::Compiled,
        sort: Sort,
    ) -> Result<Vec<Sortable>> {
        let dated = matches!(sort, Sort::Date | Sort::DateDescending);
        let mut every = self.sortables(searcher, compiled, dated, true)?;
        every.sort_by(|a, b| by_whole_head(sort, &a.head, &b.head));
        Ok(every)
    }

    /// Every match of `compiled` with its [`SortHead`], best first; the
    /// head's date read with `date`, its document and place with
    /// `document` (each order reads only the columns its head compares).
    fn sortables(
        &self,
        searcher: &Searcher,
        compiled: &query::Compiled,
        date: bool,
        document: bool,
    ) -> Result<Vec<Sortable>> {
        let scored = self.every_scored(searcher, compiled)?;
        let generation = self.generation_of(searcher)?;
        let ranks = match document {
            true => Some(generation.document_ranks()?),
            false => None,
        };
        Ok(scored
            .into_iter()
            .map(|(score, address)| {
                let segment = address.segment_ord as usize;
                let (columns, doc) = (&generation.columns[segment], address.doc_id);
                let mut head = SortHead {
                    date: None,
                    document: (0, None, 0),
                    position: (0, 0),
                    score,
                };
                if date {
                    head.date = columns.date(doc);
                }
                if let Some(ranks) = ranks {
                    let position = columns.position(doc);
                    head.document = ranks.document(segment, position);
                    head.position = (position.3, position.4);
                }
                Sortable {
                    head,
                    address,
                    copy_key: columns.copy_key(doc),
                }
            })
            .collect())
    }

    /// Every match of `compiled` with its score, best first.
    fn every_scored(
        &self,
        searcher: &Searcher,
        compiled: &query::Compiled,
    ) -> Result<Vec<(f32, DocAddress)>> {
        let all = (searcher.num_docs() as usize).max(1);
        self.scored(
            searcher,
            compiled,
            &TopDocs::with_limit(all).order_by_score(),
        )
    }

    /// The facets of every match of `compiled`, counted from the columns
    /// without scoring or ordering a match.
    fn facets(
        &self,
        searcher: &Searcher,
        compiled: &query::Compiled,
        limit: Option<usize>,
    ) -> Result<Facets> {
        let every = searcher.search(&*compiled.query, &EveryMatch)?;
        self.facets_of(searcher, addresses(every), limit)
    }

    /// The facets of the matches at `addresses`, segment by segment, at
    /// most `limit` values of each (a shard answers with every value: the
    /// archive's most frequent are known once they are summed).
    fn facets_of(
        &self,
        searcher: &Searcher,
        addresses: impl IntoIterator<Item = DocAddress>,
        limit: Option<usize>,
    ) -> Result<Facets> {
        let generation = self.generation_of(searcher)?;
        let mut per_segment = vec![Vec::new(); generation.columns.len()];
        for address in addresses {
            per_segment[address.segment_ord as usize].push(address.doc_id);
        }
        let tallies = generation
            .columns
            .iter()
            .zip(per_segment)
            .map(|(columns, docs)| columns.tally(docs))
            .collect::<Result<Vec<_>>>()?;
        Ok(facets::listed(facets::facets(tallies), limit))
    }

    /// Every match of `compiled`, unscored (score 0) and in no order, with
    /// its keys: what counts, facets and timelines need.
    fn unscored(&self, searcher: &Searcher, compiled: &query::Compiled) -> Result<Vec<Match>> {
        let every = searcher.search(&*compiled.query, &EveryMatch)?;
        self.read_matches(searcher, addresses(every).map(|address| (0.0, address)))
    }

    /// The weight of `compiled`, scoring with the figures it was compiled
    /// with: built once for several passes over its matches ([`collect`]).
    fn weight(&self, searcher: &Searcher, compiled: &query::Compiled) -> Result<Box<dyn Weight>> {
        let provider = Provider {
            searcher,
            schema: searcher.schema(),
            statistics: &compiled.statistics,
        };
        let scoring = EnableScoring::enabled_from_statistics_provider(&provider, searcher);
        Ok(compiled.query.weight(scoring)?)
    }

    /// Runs `compiled` with `collector`, scoring with the figures it was
    /// compiled with.
    fn scored<C: Collector>(
        &self,
        searcher: &Searcher,
        compiled: &query::Compiled,
        collector: &C,
    ) -> Result<C::Fruit> {
        self.scored_query(searcher, &*compiled.query, &compiled.statistics, collector)
    }

    /// Runs `query` with `collector`, scoring with `statistics`' figures.
    fn scored_query<C: Collector>(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        statistics: &Statistics,
        collector: &C,
    ) -> Result<C::Fruit> {
        let schema = searcher.schema();
        let provider = Provider {
            searcher,
            schema,
            statistics,
        };
        Ok(searcher.search_with_statistics_provider(query, collector, &provider)?)
    }

    /// Scored matches with their keys read from fast fields, in the order given.
    fn read_matches(
        &self,
        searcher: &Searcher,
        scored: impl IntoIterator<Item = (f32, DocAddress)>,
    ) -> Result<Vec<Match>> {
        let generation = self.generation_of(searcher)?;
        scored
            .into_iter()
            .map(|(score, address)| generation.read_match(score, address))
            .collect()
    }

    /// What the commit `searcher` reads recorded (not the commit the
    /// folder holds now, which a later run may have made).
    fn recorded(&self, searcher: &Searcher) -> Result<Recorded> {
        match self
            .directory
            .recorded(searcher.generation().generation_id())
        {
            Some(recorded) => Ok(recorded),
            // Every commit cita makes records one.
            None => recorded_by_commit(searcher).ok_or_else(|| Error::Damaged {
                path: self.path.clone(),
                detail: "its last commit records no fingerprint".to_string(),
            }),
        }
    }

    /// What `searcher`'s generation needs read once, read on first use.
    fn generation_of(&self, searcher: &Searcher) -> Result<Arc<Generation>> {
        let id = searcher.generation().generation_id();
        let mut cached = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(generation) = cached.as_ref()
            && generation.id == id
        {
            return Ok(Arc::clone(generation));
        }
        let Recorded {
            fingerprint, shard, ..
        } = self.recorded(searcher)?;
        let generation = Arc::new(Generation {
            id,
            fingerprint,
            shard,
            columns: searcher
                .segment_readers()
                .iter()
                .map(SegmentColumns::open)
                .collect::<Result<_>>()?,
            stores: searcher
                .segment_readers()
                .iter()
                .map(|segment| {
                    segment.get_store_reader(STORE_CACHE_BLOCKS).map_err(|err| {
                        Error::from(tantivy::TantivyError::from(err)).reading(&self.path)
                    })
                })
                .collect::<Result<_>>()?,
            copy_map: OnceLock::new(),
            copy_map_refused: Mutex::new(None),
            document_ranks: OnceLock::new(),
            listings: Mutex::new(VecDeque::new()),
            column_check: ColumnCheck::start(
                &self.path,
                searcher.index(),
                searcher
                    .segment_readers()
                    .iter()
                    .map(SegmentReader::segment_id)
                    .collect(),
                &self.sound_columns,
            ),
        });
        let replaced = cached.replace(Arc::clone(&generation));
        drop(cached);
        // The generation replaced waits for its column check when it is
        // dropped (`ColumnCheck`'s `Drop`): not while searches wait here.
        drop(replaced);
        Ok(generation)
    }

    /// The fingerprint of what `searcher` sees.
    fn fingerprint_of(&self, searcher: &Searcher) -> Result<String> {
        Ok(self.generation_of(searcher)?.fingerprint.clone())
    }

    /// A hit with its stored fields, before ranking and highlighting.
    fn stored_hit(&self, searcher: &Searcher, score: f32, address: DocAddress) -> Result<Hit> {
        Ok(Hit {
            rank: 0,
            score,
            passage: self.stored_passage(searcher, address)?,
            snippet: String::new(),
            highlights: Vec::new(),
            matched: Vec::new(),
            partial: false,
            missing: Vec::new(),
            citation: None,
            before: None,
            after: None,
            duplicates: None,
            duplicates_total: None,
        })
    }

    /// The stored fields of the passage at `address`.
    fn stored_passage(&self, searcher: &Searcher, address: DocAddress) -> Result<IndexedPassage> {
        let generation = self.generation_of(searcher)?;
        let segment = address.segment_ord as usize;
        let store = &generation.stores[segment];
        let read = || -> Result<TantivyDocument> {
            schema::read_stored(&store.get_document_bytes(address.doc_id)?)
                .ok_or_else(|| Error::damaged(&self.path, "a stored passage does not read"))
        };
        let doc = read().map_err(|err| match err.reading(&self.path) {
            Error::Damaged { detail, .. } => {
                let file = searcher.segment_reader(address.segment_ord).segment_id();
                Error::damaged(
                    &self.path,
                    &format!("{}.store: {detail}", file.uuid_string()),
                )
            }
            other => other,
        })?;
        let id = generation.columns[segment].id(address.doc_id);
        Ok(schema::read_passage(&self.fields, &doc, id))
    }

    /// The passage whose id is `id` (or the id as a citation writes it,
    /// `cita:` before it; spaces and punctuation around it are left out),
    /// with up to `context` passages of the same
    /// document on each side, in document order (paragraph, then part).
    /// `Ok(None)` when no passage has that id.
    pub fn passage(&self, id: &str, context: usize) -> Result<Option<PassageInContext>> {
        // As copied from a citation's sentence: `(cita:45eb…).`, a space.
        let id = id.trim_matches(|c: char| !c.is_alphanumeric());
        let id = id.strip_prefix(CITED_ID_PREFIX).unwrap_or(id);
        self.guarded(|| self.passage_unguarded(id, context))
    }

    fn passage_unguarded(&self, id: &str, context: usize) -> Result<Option<PassageInContext>> {
        let searcher = self.reader.searcher();
        let Some(address) = self.address_of(&searcher, id)? else {
            return Ok(None);
        };
        let passage = self.stored_passage(&searcher, address)?;
        let (before, after) = self.neighbours(&searcher, &passage, context)?;
        Ok(Some(PassageInContext {
            passage,
            before,
            after,
            citation: None,
        }))
    }

    /// Where the passage whose id is `id` is, if the index holds it.
    fn address_of(&self, searcher: &Searcher, id: &str) -> Result<Option<DocAddress>> {
        // Ids are 16 hex digits; anything else names no passage.
        let Some(id) = (id.len() == 16)
            .then(|| u64::from_str_radix(id, 16).ok())
            .flatten()
        else {
            return Ok(None);
        };
        // `id` is a fast field only: without scoring, tantivy answers a term
        // query on it by scanning the column.
        let by_id = TermQuery::new(
            Term::from_field_u64(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        Ok(searcher
            .search(&by_id, &DocSetCollector)?
            .iter()
            .next()
            .copied())
    }

    /// Every passage of `passage`'s document with its place, read from
    /// fast fields, or taken from the generation's last listings.
    fn listing(&self, searcher: &Searcher, passage: &IndexedPassage) -> Result<Arc<Listing>> {
        let generation = self.generation_of(searcher)?;
        let key = (
            passage.source.clone(),
            passage.record,
            passage.entry.clone(),
        );
        let listings = || {
            generation
                .listings
                .lock()
                .unwrap_or_else(|e| e.into_inner())
        };
        if let Some((_, listing)) = listings().iter().find(|(listed, _)| *listed == key) {
            return Ok(Arc::clone(listing));
        }
        let same_source = TermQuery::new(
            Term::from_field_text(self.fields.source, &passage.source),
            IndexRecordOption::Basic,
        );
        let addresses = searcher.search(&same_source, &DocSetCollector)?;
        let mut listing: Listing = self
            .read_matches(searcher, addresses.into_iter().map(|a| (0.0, a)))?
            .into_iter()
            .filter(|m| m.keys.record == passage.record && m.keys.entry == passage.entry)
            .map(|m| ((m.keys.paragraph, m.keys.part), m.address))
            .collect();
        listing.sort_unstable();
        let listing = Arc::new(listing);
        let mut kept = listings();
        if kept.len() == LISTINGS_KEPT {
            kept.pop_front();
        }
        kept.push_back((key, Arc::clone(&listing)));
        Ok(listing)
    }

    /// Up to `context` passages of the same document (same source, record
    /// and entry) on each side of `passage`, in document order; only those
    /// are loaded.
    fn neighbours(
        &self,
        searcher: &Searcher,
        passage: &IndexedPassage,
        context: usize,
    ) -> Result<(Vec<IndexedPassage>, Vec<IndexedPassage>)> {
        if context == 0 {
            return Ok((Vec::new(), Vec::new()));
        }
        let document = self.listing(searcher, passage)?;
        let at = (u64::from(passage.paragraph), u64::from(passage.part));
        let here = document.partition_point(|&(order, _)| order < at);
        let after_start = document.partition_point(|&(order, _)| order <= at);
        let load = |window: &[((u64, u64), DocAddress)]| {
            window
                .iter()
                .map(|&(_, address)| self.stored_passage(searcher, address))
                .collect::<Result<Vec<_>>>()
        };
        let before = load(&document[here.saturating_sub(context)..here])?;
        let after =
            load(&document[after_start..after_start.saturating_add(context).min(document.len())])?;
        Ok((before, after))
    }

    /// Documents, passages and size on disk, as of the latest commit this
    /// archive sees.
    pub fn stats(&self) -> Result<Stats> {
        self.guarded(|| self.stats_unguarded())
    }

    /// Reads every file of the index's latest commit whole, as the folder
    /// holds it now, and checks it against its checksum, as `git fsck` or
    /// SQLite's `integrity_check` do: [`Error::Damaged`] names the files
    /// that fail. Searches check only what they read, and a flipped byte of
    /// stored text can still decompress, into other text; only this finds
    /// it. Reads the whole index: seconds for a large one.
    pub fn check(&self) -> Result<IndexCheck> {
        self.guarded(|| {
            still_there(&self.path)?;
            // Opened afresh: the files this archive has mapped may no longer
            // be the folder's (a copy restored over them), and the check
            // records the folder's files sound.
            let index = Index::open(ReadingDirectory::open(&self.path)?)?;
            let (files, bytes) = store::check_every_file(&self.path, &index)?;
            let passages = index.searchable_segment_metas()?;
            Ok(IndexCheck {
                index: self.path.clone(),
                files,
                bytes,
                passages: passages.iter().map(|meta| u64::from(meta.num_docs())).sum(),
            })
        })
    }

    fn stats_unguarded(&self) -> Result<Stats> {
        // Its size is the folder's.
        still_there(&self.path)?;
        let searcher = self.reader.searcher();
        let documents = self.recorded(&searcher)?.documents;
        let entries = std::fs::read_dir(&self.path).map_err(|err| Error::io(&self.path, err))?;
        let size_bytes = entries
            .filter_map(|entry| entry.ok()?.metadata().ok())
            .filter(|meta| meta.is_file())
            .map(|meta| meta.len())
            .sum();
        let mut counts = BTreeMap::new();
        for language in self.languages_of(&searcher)? {
            let passages = searcher.search(
                &TermQuery::new(
                    Term::from_field_u64(self.fields.language, language.id()),
                    IndexRecordOption::Basic,
                ),
                &Count,
            )?;
            if passages > 0 {
                counts.insert(language.code(), passages as u64);
            }
        }
        Ok(Stats {
            index: self.path.clone(),
            documents,
            passages: searcher.num_docs(),
            size_bytes,
            languages: facets::most_first(counts),
            last_run_unfinished: self.last_run_unfinished(),
        })
    }
}

/// What [`Archive::first_occurrences`] read.
struct Occurrences {
    /// Matches with their passages in rank order, with their spans.
    found: Vec<kwic::Occurrence<(Match, Hit)>>,
    /// Every matching passage, read or not.
    passages: u64,
    /// Whether the span limit stopped the reading before the last match.
    truncated: bool,
}

/// Lists every match, segment by segment, without scoring: cheaper than
/// a top-k over every match when only counting.
struct EveryMatch;

impl Collector for EveryMatch {
    type Fruit = Listed;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches {
            segment,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Listed>) -> tantivy::Result<Listed> {
        Ok(fruits.concat())
    }
}

/// [`EveryMatch`] in one segment.
struct SegmentMatches {
    segment: SegmentOrdinal,
    docs: Vec<DocId>,
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Listed;

    fn collect(&mut self, doc: DocId, _score: tantivy::Score) {
        self.docs.push(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.docs.extend_from_slice(docs);
    }

    fn harvest(self) -> Listed {
        vec![(self.segment, self.docs)]
    }
}

/// The address of each match of `listed`.
fn addresses(listed: Listed) -> impl Iterator<Item = DocAddress> {
    listed.into_iter().flat_map(|(segment, docs)| {
        docs.into_iter()
            .map(move |doc| DocAddress::new(segment, doc))
    })
}

/// Runs `collector` over every segment of `searcher` with `weight`, as
/// tantivy's search does after building a weight.
fn collect<C: Collector>(
    searcher: &Searcher,
    weight: &dyn Weight,
    collector: &C,
) -> Result<C::Fruit> {
    let fruits = searcher
        .segment_readers()
        .iter()
        .enumerate()
        .map(|(ord, reader)| collector.collect_segment(weight, ord as SegmentOrdinal, reader))
        .collect::<tantivy::Result<Vec<_>>>()?;
    Ok(collector.merge_fruits(fruits)?)
}

/// The matches holding each of some copy keys.
type CopiesByKey = HashMap<u64, Vec<DocAddress>>;

/// A match of a relevance-ordered page: its score, address and copy key.
type Scored = (f32, DocAddress, u64);

/// The first distinct matches of a search in relevance order.
struct TopDistinct {
    /// A prefix of every match in rank order.
    candidates: Vec<Scored>,
    /// The positions in `candidates` of the first match of each of the
    /// first copy keys asked for.
    firsts: Vec<usize>,
    /// How many passages match, when known without reading every match.
    total: Option<u64>,
    /// Every match, when the collector listed them.
    every: Option<Listed>,
}

impl TopDistinct {
    /// Whether its candidates are every match.
    fn holds_every_match(&self) -> bool {
        self.total == Some(self.candidates.len() as u64)
    }
}

/// Every match of `weight`: as `listed` by a collector that went through
/// them, else from one more pass, unscored.
fn every_match(searcher: &Searcher, weight: &dyn Weight, listed: Option<Listed>) -> Result<Listed> {
    match listed {
        Some(listed) => Ok(listed),
        None => collect(searcher, weight, &EveryMatch),
    }
}

/// What a collapsing search counts over every match.
struct Tally {
    /// How many passages match.
    total: u64,
    /// How many distinct passages match: each set of copies once.
    distinct: u64,
    /// The matches holding the copy key of a passage on the page, by key.
    copies: CopiesByKey,
}

/// The best-first matches `best` in rank order: by score, then ties by
/// source, record, entry, paragraph and part, compared by ordinals within
/// a segment and by the text of the few tied across segments (so that no
/// dictionary is read whole).
fn in_rank_order(
    generation: &Generation,
    mut best: Vec<(f32, DocAddress)>,
) -> Result<Vec<(f32, DocAddress)>> {
    best.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut start = 0;
    while start < best.len() {
        let score = best[start].0;
        let end = start + best[start..].partition_point(|(s, _)| *s == score);
        let run = &mut best[start..end];
        let segment = run[0].1.segment_ord;
        if run.iter().all(|(_, at)| at.segment_ord == segment) {
            let columns = &generation.columns[segment as usize];
            run.sort_by_key(|(_, at)| columns.position(at.doc_id));
        } else {
            let mut placed = run
                .iter()
                .map(|&(score, at)| {
                    let columns = &generation.columns[at.segment_ord as usize];
                    Ok((columns.place(at.doc_id)?, (score, at)))
                })
                .collect::<Result<Vec<_>>>()?;
            placed.sort_by(|a, b| a.0.cmp(&b.0));
            for (slot, (_, item)) in run.iter_mut().zip(placed) {
                *slot = item;
            }
        }
        start = end;
    }
    Ok(best)
}

impl SegmentTieOrder for Generation {
    fn tie_key(&self, segment: SegmentOrdinal, doc: DocId) -> TieKey {
        self.columns[segment as usize].position(doc)
    }
}

/// Where a passage is: source, record, entry ("" for none), paragraph,
/// part. Duplicates are listed in this order.
type Place = (String, Option<u64>, String, u64, u64);

/// Where a match is.
fn place_of(m: &Match) -> Place {
    let keys = &m.keys;
    let entry = keys.entry.clone().unwrap_or_default();
    (
        keys.source.clone(),
        keys.record,
        entry,
        keys.paragraph,
        keys.part,
    )
}

/// [`store::checksum_damage`] of `index`: `Some(None)` when every file
/// passes, `None` when the files could not be checked (a failure or a
/// panic reading them).
fn checksum_damage_of(index: &Index) -> Option<Option<String>> {
    error::catching(|| store::checksum_damage(index)).ok()?.ok()
}

/// What a panic caught while `doing` (opening, reading) the index at
/// `path` is: damage, naming the files, when their checksums tell (or
/// cannot be checked); cita's own bug only when every file passes.
fn panic_error(path: &Path, doing: &str, panic: &str, checked: Option<Option<String>>) -> Error {
    match checked {
        Some(None) => Error::internal(path, panic),
        Some(Some(detail)) => Error::damaged(path, &detail),
        None => Error::damaged(path, &format!("{doing} it failed: {panic}")),
    }
}

/// A request's partial matches (see [`query::partial`]).
struct PartialMatches {
    /// The query's terms.
    partial: Partial,
    /// How many passages hold at least half of them but not all.
    total: u64,
    /// The best of those the page can show, in partial order, each with
    /// the terms it holds (the first of each set of copies, collapsing).
    best: Vec<(Held, Match)>,
    /// Collapsing: the partial matches with the key of one of `best`, by key.
    copies: Option<CopiesByKey>,
}

/// Where a request's BM25 figures come from: the archive's, summed over its
/// shards, when it carries them, else this index's.
fn statistics_of(request: &SearchRequest) -> Statistics {
    request
        .statistics
        .clone()
        .map_or(Statistics::Local, Statistics::Global)
}

/// The passages of `found` (matches read with their passages).
fn hits_of(found: Vec<kwic::Occurrence<(Match, Hit)>>) -> Vec<kwic::Occurrence<Hit>> {
    found
        .into_iter()
        .map(|((_, hit), spans)| (hit, spans))
        .collect()
}

/// Match `m` of a shard as a [`Candidate`] for the merge of the shards'
/// answers: `held` its terms when it is a partial match, its copy key when
/// collapsing.
fn candidate(generation: &Generation, m: Match, held: Option<usize>, collapse: bool) -> Candidate {
    Candidate {
        id: format!(
            "{:016x}",
            generation.columns[m.address.segment_ord as usize].id(m.address.doc_id)
        ),
        score: m.score,
        date: m.keys.date,
        source: m.keys.source,
        record: m.keys.record,
        entry: m.keys.entry,
        paragraph: m.keys.paragraph,
        part: m.keys.part,
        held,
        key: collapse.then_some(m.keys.copy_key),
    }
}

/// What a commit records of its content: its fingerprint, the shard the
/// index holds, and how many documents it holds.
#[derive(Debug, Clone)]
struct Recorded {
    fingerprint: String,
    shard: Option<[u32; 2]>,
    documents: u64,
}

/// What the last commit recorded, as `meta.json`
/// says now (pinned, the commit being opened).
fn recorded_by_commit(searcher: &Searcher) -> Option<Recorded> {
    store::read_payload(searcher.index()).and_then(|payload| {
        Some(Recorded {
            fingerprint: payload.fingerprint?,
            shard: payload.shard,
            documents: payload.documents,
        })
    })
}

/// The index folder as [`Archive`] reads it: tantivy's [`MmapDirectory`],
/// except that a lock it cannot take because the folder cannot be written
/// (a read-only file system, a folder the user may only read) is not
/// needed. tantivy takes its meta lock while it opens a commit's segment
/// files, so that a writer's garbage collection does not delete them
/// meanwhile; in a folder this process cannot write, no writer of this
/// process can run, and `cita index` cannot run on a read-only file
/// system. Searching then only reads the index folder. Never used to write.
///
/// It also pins a commit while one is checked and opened
/// ([`ReadingDirectory::pin_commit`]): tantivy reads `meta.json` anew each
/// time, and a commit landing between the check and the opening would be
/// opened unchecked.
#[derive(Debug, Clone)]
struct ReadingDirectory {
    folder: MmapDirectory,
    /// The `meta.json` that every read of it returns while a commit is
    /// pinned.
    pinned: Arc<Mutex<Option<Vec<u8>>>>,
    /// Held while a commit is pinned: one pin at a time.
    pinning: Arc<Mutex<()>>,
    /// What the commits opened recorded, by searcher generation (the
    /// latest few): read while each was pinned, since `meta.json` may hold
    /// a later commit by the time a generation is first used.
    opened: Arc<Mutex<Vec<OpenedCommit>>>,
}

/// A searcher generation and what its commit recorded (`None`: nothing
/// readable; the generation's first use then reads `meta.json` again and
/// reports what it finds).
type OpenedCommit = (u64, Option<Recorded>);

/// A commit pinned by [`ReadingDirectory::pin_commit`], until dropped.
struct PinnedCommit<'a> {
    directory: &'a ReadingDirectory,
    _one_at_a_time: std::sync::MutexGuard<'a, ()>,
}

impl PinnedCommit<'_> {
    /// Whether `meta.json` now holds another commit than the one pinned.
    fn superseded(&self) -> bool {
        let now = self.directory.folder.atomic_read(Path::new(META_FILE)).ok();
        *self
            .directory
            .pinned
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            != now
    }
}

impl Drop for PinnedCommit<'_> {
    fn drop(&mut self) {
        *self
            .directory
            .pinned
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }
}

impl ReadingDirectory {
    fn open(path: &Path) -> Result<ReadingDirectory> {
        Ok(ReadingDirectory {
            folder: MmapDirectory::open(path).map_err(tantivy::TantivyError::from)?,
            pinned: Arc::default(),
            pinning: Arc::default(),
            opened: Arc::default(),
        })
    }

    /// Notes what the commit `reader` has just opened, pinned, recorded.
    fn note_opened(&self, reader: &IndexReader) {
        /// Generations a search may still hold.
        const KEPT: usize = 16;
        let searcher = reader.searcher();
        let id = searcher.generation().generation_id();
        let mut opened = self.opened.lock().unwrap_or_else(PoisonError::into_inner);
        opened.retain(|(kept, _)| *kept != id);
        if opened.len() == KEPT {
            opened.remove(0);
        }
        opened.push((id, recorded_by_commit(&searcher)));
    }

    /// What the commit of searcher generation `id` recorded, when it was
    /// opened here and read.
    fn recorded(&self, id: u64) -> Option<Recorded> {
        let opened = self.opened.lock().unwrap_or_else(PoisonError::into_inner);
        opened
            .iter()
            .find(|(kept, _)| *kept == id)
            .and_then(|(_, recorded)| recorded.clone())
    }

    /// Until the guard is dropped, every read of `meta.json` returns the
    /// commit it holds now (none pinned when it cannot be read: the reads
    /// then fail as they would have).
    fn pin_commit(&self) -> PinnedCommit<'_> {
        let one_at_a_time = self.pinning.lock().unwrap_or_else(PoisonError::into_inner);
        let meta = self.folder.atomic_read(Path::new(META_FILE)).ok();
        *self.pinned.lock().unwrap_or_else(PoisonError::into_inner) = meta;
        PinnedCommit {
            directory: self,
            _one_at_a_time: one_at_a_time,
        }
    }

    /// `open` (checks, then opening what they checked) on the latest commit,
    /// pinned. tantivy keeps a commit's files from a writer's clean-up only
    /// from when it opens them, so a commit that lands after the pin may
    /// remove the pinned one's: when `open` fails and the commit changed
    /// meanwhile, it runs again on the new one (a few times at most: a
    /// writer committing without pause).
    fn on_pinned_commit<T>(&self, mut open: impl FnMut() -> Result<T>) -> Result<T> {
        const ATTEMPTS: usize = 3;
        let mut attempt = 1;
        loop {
            let pinned = self.pin_commit();
            let opened = open();
            if opened.is_ok() || attempt == ATTEMPTS || !pinned.superseded() {
                return opened;
            }
            attempt += 1;
        }
    }
}

impl Directory for ReadingDirectory {
    store::forward_to_folder!();

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        if path == Path::new(META_FILE) {
            let pinned = self.pinned.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(meta) = pinned.as_ref() {
                return Ok(meta.clone());
            }
        }
        self.folder.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.folder.atomic_write(path, data)
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.folder.acquire_lock(lock) {
            Err(LockError::IoError(err)) if cannot_write(&err) => {
                Ok(DirectoryLock::from(Box::new(())))
            }
            taken => taken,
        }
    }
}

/// Moves `reader` to its index's latest commit once the commit's doc
/// stores pass [`store::check_doc_stores`]: the commit checked, pinned in
/// `directory` (the reader's), even if another lands meanwhile.
/// [`Error::NoIndex`] when the folder was removed or emptied since the
/// archive was opened, as opening it would say (searches go on reading the
/// files they hold open; what reads the folder cannot).
fn still_there(path: &Path) -> Result<()> {
    match Archive::exists(path) {
        true => Ok(()),
        false => Err(Error::NoIndex {
            path: path.to_path_buf(),
        }),
    }
}

fn reload_checked(path: &Path, directory: &ReadingDirectory, reader: &IndexReader) -> Result<()> {
    still_there(path)?;
    let searcher = reader.searcher();
    directory.on_pinned_commit(|| {
        // A later commit by another cita (a shard rebuilt by a newer one).
        check_schema(path, searcher.index())?;
        store::check_doc_stores(path, searcher.index())?;
        reader.reload()?;
        directory.note_opened(reader);
        Ok(())
    })
}

/// No index yet at `path`: its first build runs (it holds the lock), or
/// none has saved anything.
fn no_index_yet(path: &Path) -> Error {
    match store::is_locked(path) {
        true => Error::FirstBuildRunning {
            path: path.to_path_buf(),
            lock: path.join(store::LOCK_FILE),
        },
        false => Error::NoIndex {
            path: path.to_path_buf(),
        },
    }
}

/// Refuses an index whose last commit another cita schema wrote, or none,
/// or one no build has committed a batch to (a first build still at work,
/// failed, or killed before its first batch: no index yet).
fn check_schema(path: &Path, index: &Index) -> Result<()> {
    let incompatible = |found: String| Error::IncompatibleIndex {
        path: path.to_path_buf(),
        found,
        expected: SCHEMA_VERSION,
    };
    match store::read_payload(index) {
        Some(p) if p.cita_schema == SCHEMA_VERSION && store::awaits_first_batch(path, index) => {
            Err(no_index_yet(path))
        }
        Some(p) if p.cita_schema == SCHEMA_VERSION => Ok(()),
        Some(p) => Err(incompatible(p.cita_schema.to_string())),
        None if store::is_unfinished_first_build(index) => Err(no_index_yet(path)),
        None => Err(incompatible("unknown".to_string())),
    }
}

/// Whether an I/O error says the file system or the folder cannot be
/// written (EROFS, EACCES, EPERM).
fn cannot_write(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ReadOnlyFilesystem | io::ErrorKind::PermissionDenied
    )
}

/// Builds the index at `index` from `corpus` and opens it.
///
/// # Errors
///
/// Those of [`indexer::build`] and [`Archive::open`].
pub fn build_and_open(corpus: &Path, index: &Path) -> Result<(Archive, BuildReport)> {
    let report = indexer::build(corpus, index, &BuildOptions::default())?;
    Ok((Archive::open(index)?, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of a corpus that files are added to, each file rebuilding
    /// it: a commit per file.
    struct GrowingIndex {
        corpus: PathBuf,
        path: PathBuf,
    }

    impl GrowingIndex {
        fn add(&self, name: &str) {
            std::fs::write(self.corpus.join(name), format!("Plan LAZO in {name}.\n")).unwrap();
            indexer::build(&self.corpus, &self.path, &BuildOptions::default()).unwrap();
        }
    }

    fn growing_corpus() -> (tempfile::TempDir, GrowingIndex) {
        let dir = tempfile::TempDir::new().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        let path = dir.path().join("index");
        (dir, GrowingIndex { corpus, path })
    }

    /// A search, a concordance and a batch past their deadline stop with
    /// [`Error::PastDeadline`] instead of making their hits; before it,
    /// a deadline changes nothing.
    #[test]
    fn work_past_its_deadline_stops_and_work_before_it_is_unchanged() {
        let (_dir, index) = growing_corpus();
        index.add("a.txt");
        index.add("b.txt");
        let archive = Archive::open(&index.path).unwrap();
        let at = |deadline| SearchRequest {
            group: true,
            context: 1,
            deadline,
            ..SearchRequest::new("lazo")
        };
        let later = Some(std::time::Instant::now() + std::time::Duration::from_secs(3600));
        let past = Some(std::time::Instant::now());
        let hits = |request: &SearchRequest| {
            archive
                .search(request)
                .map(|results| serde_json::to_value(results.groups).unwrap())
        };
        assert_eq!(hits(&at(later)).unwrap(), hits(&at(None)).unwrap());
        assert!(matches!(hits(&at(past)), Err(Error::PastDeadline)));
        let plain = |deadline| SearchRequest {
            group: false,
            ..at(deadline)
        };
        assert!(matches!(hits(&plain(past)), Err(Error::PastDeadline)));
        let lines = |request: &SearchRequest| {
            archive
                .kwic_lines(request, 20, ContextSort::Relevance, 10)
                .map(|concordance| concordance.lines.len())
        };
        assert_eq!(lines(&at(later)).unwrap(), 2);
        assert!(matches!(lines(&at(past)), Err(Error::PastDeadline)));
        let queries = crate::views::batch::parse_queries("lazo\n");
        let outcomes = |template: &SearchRequest| {
            archive
                .batch(&queries, template)
                .map(|outcome| outcome.result.map(|results| results.hits.len()))
                .collect::<Vec<_>>()
        };
        assert!(matches!(outcomes(&plain(later))[..], [Ok(2)]));
        assert!(matches!(
            outcomes(&plain(past))[..],
            [Err(Error::PastDeadline)]
        ));
        // A count makes no hit: the batch stops before each query.
        let counts = |deadline| SearchRequest {
            limit: 0,
            ..plain(deadline)
        };
        assert!(matches!(outcomes(&counts(later))[..], [Ok(0)]));
        assert!(matches!(
            outcomes(&counts(past))[..],
            [Err(Error::PastDeadline)]
        ));
    }

    /// Dropping a check waits for its thread: nothing reads the index's
    /// mapped files once the archive is gone.
    #[test]
    fn a_column_check_ends_before_it_is_dropped() {
        let (_dir, index) = growing_corpus();
        for name in ["a.txt", "b.txt", "c.txt"] {
            index.add(name);
        }
        std::fs::remove_file(index.path.join(store::SOUND_COLUMNS_FILE)).unwrap();
        let archive = Archive::open(&index.path).unwrap();
        let searcher = archive.reader.searcher();
        let segments: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        let sound = Arc::default();
        drop(ColumnCheck::start(
            &index.path,
            searcher.index(),
            segments.clone(),
            &sound,
        ));
        assert_eq!(Arc::strong_count(&sound), 1, "the check's thread is over");
        let sound = sound.lock().unwrap();
        assert!(segments.iter().all(|id| sound.contains(id)));
    }

    /// The commit `reload` checks is the commit it opens: while one is
    /// pinned, a later commit is not seen, and once the pin is dropped it
    /// is (the check and the opening, milliseconds apart, cannot be told
    /// apart by timing, so the pin is driven by hand).
    #[test]
    fn a_pinned_commit_is_the_one_opened_whatever_lands_meanwhile() {
        let (_dir, index) = growing_corpus();
        let add = |name: &str| index.add(name);
        add("a.txt");
        let archive = Archive::open(&index.path).unwrap();
        let passages = |archive: &Archive| archive.reader.searcher().num_docs();
        add("b.txt");
        let pinned = archive.directory.pin_commit();
        add("c.txt");
        assert!(pinned.superseded());
        archive.reader.reload().unwrap();
        assert_eq!(passages(&archive), 2, "the pinned commit (a, b)");
        drop(pinned);
        archive.reload().unwrap();
        assert_eq!(passages(&archive), 3, "the latest commit, once unpinned");
    }

    /// The fingerprint (and shard) an archive reports are those of the
    /// commit it searches, even when a later commit has landed before the
    /// archive's first use.
    #[test]
    fn the_fingerprint_is_the_searched_commits_whatever_lands_after_it() {
        let (_dir, index) = growing_corpus();
        let add = |name: &str| index.add(name);
        add("a.txt");
        let open = || Archive::open(&index.path).unwrap();
        let (unused, used) = (open(), open());
        let first = used.fingerprint().unwrap();
        add("b.txt");
        assert_eq!(unused.fingerprint().unwrap(), first);
        assert_eq!(
            unused.count(&SearchRequest::new("lazo")).unwrap().passages,
            1
        );
        unused.reload().unwrap();
        assert_ne!(unused.fingerprint().unwrap(), first);
        assert_eq!(
            unused.count(&SearchRequest::new("lazo")).unwrap().passages,
            2
        );
    }

    /// A panic while reading an index whose files all pass their checksums
    /// is cita's own bug, and says so; the same panic once a file fails its
    /// checksum is damage, naming the file.
    #[test]
    fn a_panic_on_intact_files_is_a_bug_and_on_damaged_files_is_damage() {
        let dir = tempfile::TempDir::new().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        std::fs::write(corpus.join("a.txt"), "Plan LAZO was a plan.\n").unwrap();
        let (archive, _) = build_and_open(&corpus, &dir.path().join("index")).unwrap();
        let panicking = || -> Result<()> { panic!("a bug in a scorer") };

        let err = archive.guarded(panicking).unwrap_err();
        assert!(
            matches!(&err, Error::Internal { detail, .. } if detail.contains("a bug in a scorer")),
            "{err:?}"
        );

        let store = std::fs::read_dir(dir.path().join("index"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| path.extension().is_some_and(|e| e == "store"))
            .unwrap();
        let mut bytes = std::fs::read(&store).unwrap();
        bytes[0] ^= 0xff;
        std::fs::write(&store, bytes).unwrap();
        let err = archive.guarded(panicking).unwrap_err();
        assert!(
            matches!(&err, Error::Damaged { detail, .. } if detail.contains(".store fails its checksum")),
            "{err:?}"
        );
    }
}
