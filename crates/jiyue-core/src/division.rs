//! Administrative divisions (GB/T 2260), loaded from the reference file compiled into the binary.
//!
//! The file is parsed once, on first use. A line that cannot be read is skipped and counted
//! rather than stopping the program; `skipped_lines` reports how many there were.

use std::collections::HashMap;
use std::sync::LazyLock;

/// The shipped division list, columns `code,name,level,parent_code`.
const DIVISIONS_CSV: &str = include_str!("../../../reference/divisions-gbt2260.csv");

/// Names GB/T 2260 gives to grouping entries that are not places of their own, such as the
/// 市辖区 under a municipality. `full_name` leaves them out.
const GROUPING_NAMES: [&str; 4] = [
    "市辖区",
    "县",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
];

/// The level of a division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DivisionLevel {
    /// 省级: province, autonomous region or municipality (code `xx0000`).
    Province,
    /// 地级: prefecture-level city, prefecture, league or grouping (code `xxxx00`).
    Prefecture,
    /// 县级: county, county-level city or district.
    County,
}

impl DivisionLevel {
    /// Returns the name used in the reference file: `province`, `prefecture` or `county`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Prefecture => "prefecture",
            Self::County => "county",
        }
    }

    /// Parses the name used in the reference file.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "province" => Some(Self::Province),
            "prefecture" => Some(Self::Prefecture),
            "county" => Some(Self::County),
            _ => None,
        }
    }
}

/// One administrative division.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Division {
    /// Six-digit GB/T 2260 code, such as `220100`.
    pub code: String,
    /// Official name, such as 长春市.
    pub name: String,
    /// Level in the three-level hierarchy.
    pub level: DivisionLevel,
    /// Code of the enclosing division; `None` for a province.
    pub parent_code: Option<String>,
}

impl Division {
    /// Returns the enclosing division, if any.
    pub fn parent(&self) -> Option<&'static Division> {
        self.parent_code.as_deref().and_then(get)
    }

    /// Returns whether the name is a grouping entry (such as 市辖区) rather than a place.
    pub fn is_grouping(&self) -> bool {
        GROUPING_NAMES.contains(&self.name.as_str())
    }
}

/// The parsed division list with its lookup tables.
struct Table {
    divisions: Vec<Division>,
    by_code: HashMap<String, usize>,
    children: HashMap<String, Vec<usize>>,
    skipped: usize,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| parse_table(DIVISIONS_CSV));

/// Parses division rows, skipping and counting unreadable, malformed or duplicate lines.
fn parse_table(text: &str) -> Table {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Table {
        divisions: Vec::new(),
        by_code: HashMap::new(),
        children: HashMap::new(),
        skipped: 0,
    };

    for record in reader.records() {
        let division = record.ok().and_then(|record| parse_record(&record));
        match division {
            Some(division) if !table.by_code.contains_key(&division.code) => {
                let index = table.divisions.len();
                table.by_code.insert(division.code.clone(), index);
                if let Some(parent) = &division.parent_code {
                    table
                        .children
                        .entry(parent.clone())
                        .or_default()
                        .push(index);
                }
                table.divisions.push(division);
            }
            _ => table.skipped += 1,
        }
    }
    table
}

/// Reads one `code,name,level,parent_code` row; `None` when any field is malformed.
fn parse_record(record: &csv::StringRecord) -> Option<Division> {
    if record.len() != 4 {
        return None;
    }
    let code = record.get(0)?.trim();
    let name = record.get(1)?.trim();
    let level = DivisionLevel::parse(record.get(2)?)?;
    let parent = record.get(3)?.trim();

    if !is_six_digits(code) || name.is_empty() {
        return None;
    }
    let parent_code = match (level, parent.is_empty()) {
        (DivisionLevel::Province, true) => None,
        (DivisionLevel::Province, false) => return None,
        (_, true) => return None,
        (_, false) if is_six_digits(parent) => Some(parent.to_owned()),
        (_, false) => return None,
    };
    Some(Division {
        code: code.to_owned(),
        name: name.to_owned(),
        level,
        parent_code,
    })
}

/// Returns whether `text` is exactly six ASCII digits.
pub(crate) fn is_six_digits(text: &str) -> bool {
    text.len() == 6 && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// Looks up a division by its six-digit code.
pub fn get(code: &str) -> Option<&'static Division> {
    let table = &*TABLE;
    table
        .by_code
        .get(code)
        .map(|&index| &table.divisions[index])
}

/// Returns the direct children of a division, in code order; empty for an unknown code.
pub fn children(code: &str) -> Vec<&'static Division> {
    let table = &*TABLE;
    table
        .children
        .get(code)
        .map(|indexes| {
            indexes
                .iter()
                .map(|&index| &table.divisions[index])
                .collect()
        })
        .unwrap_or_default()
}

/// Returns every division, in the order of the reference file (ascending code).
pub fn all() -> &'static [Division] {
    &TABLE.divisions
}

/// Returns how many lines of the reference file were skipped as malformed or duplicate.
pub fn skipped_lines() -> usize {
    TABLE.skipped
}

/// Returns a division and its ancestors, province first; empty for an unknown code.
pub fn ancestors(code: &str) -> Vec<&'static Division> {
    let mut chain = Vec::new();
    let mut next = get(code);
    // Three levels at most; the bound also stops a cycle in a corrupted file.
    while let Some(division) = next {
        if chain.len() == 3 {
            break;
        }
        chain.push(division);
        next = division.parent();
    }
    chain.reverse();
    chain
}

/// Returns the full name of a division from its province down, such as 吉林省长春市南关区,
/// leaving out grouping entries such as 市辖区; `None` for an unknown code.
pub fn full_name(code: &str) -> Option<String> {
    let chain = ancestors(code);
    if chain.is_empty() {
        return None;
    }
    let name = chain
        .iter()
        .filter(|division| !division.is_grouping())
        .map(|division| division.name.as_str())
        .collect();
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_loads_completely() {
        assert_eq!(all().len(), 3348);
        assert_eq!(skipped_lines(), 0);
    }

    #[test]
    fn shipped_levels_are_counted() {
        let count = |level| all().iter().filter(|d| d.level == level).count();
        assert_eq!(count(DivisionLevel::Province), 31);
        assert_eq!(count(DivisionLevel::Prefecture), 342);
        assert_eq!(count(DivisionLevel::County), 2975);
    }

    #[test]
    fn every_parent_exists_one_level_up() {
        for division in all() {
            match division.level {
                DivisionLevel::Province => assert!(division.parent_code.is_none()),
                DivisionLevel::Prefecture => {
                    let parent = division.parent().unwrap();
                    assert_eq!(parent.level, DivisionLevel::Province, "{}", division.code);
                }
                DivisionLevel::County => {
                    let parent = division.parent().unwrap();
                    assert_eq!(parent.level, DivisionLevel::Prefecture, "{}", division.code);
                }
            }
        }
    }

    #[test]
    fn get_finds_jilin_and_changchun() {
        let jilin = get("220000").unwrap();
        assert_eq!(jilin.name, "吉林省");
        assert_eq!(jilin.level, DivisionLevel::Province);
        assert_eq!(jilin.parent_code, None);

        let changchun = get("220100").unwrap();
        assert_eq!(changchun.name, "长春市");
        assert_eq!(changchun.parent_code.as_deref(), Some("220000"));
    }

    #[test]
    fn get_rejects_unknown_codes() {
        assert!(get("999999").is_none());
        assert!(get("").is_none());
        assert!(get("22000").is_none());
        assert!(get(" 220000").is_none());
    }

    #[test]
    fn children_lists_direct_children_only() {
        let kids = children("220000");
        assert!(kids.iter().any(|d| d.code == "220100"));
        assert!(kids
            .iter()
            .all(|d| d.parent_code.as_deref() == Some("220000")));
        assert!(kids.iter().all(|d| d.level == DivisionLevel::Prefecture));
        assert!(children("220102").is_empty());
        assert!(children("999999").is_empty());
    }

    #[test]
    fn full_name_joins_levels() {
        assert_eq!(full_name("220000").as_deref(), Some("吉林省"));
        assert_eq!(full_name("220100").as_deref(), Some("吉林省长春市"));
        assert_eq!(full_name("220102").as_deref(), Some("吉林省长春市南关区"));
        assert_eq!(full_name("999999"), None);
    }

    #[test]
    fn full_name_skips_grouping_entries() {
        assert_eq!(full_name("110101").as_deref(), Some("北京市东城区"));
        assert_eq!(full_name("469001").as_deref(), Some("海南省五指山市"));
    }

    #[test]
    fn ancestors_start_at_province() {
        let chain: Vec<_> = ancestors("220102")
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(chain, ["220000", "220100", "220102"]);
        assert!(ancestors("000000").is_empty());
    }

    #[test]
    fn parse_skips_and_counts_bad_lines() {
        let text = "code,name,level,parent_code\r\n\
            220000,吉林省,province,\r\n\
            220100,长春市,prefecture,220000\r\n\
            22010,短码,county,220100\r\n\
            220102,南关区,village,220100\r\n\
            220103,,county,220100\r\n\
            220104,朝阳区,county,\r\n\
            220100,重复,prefecture,220000\r\n\
            220105,二道区,county,220100,extra\r\n\
            230000,黑龙江省,province,220000\r\n\
            220106,绿园区,county,220100\r\n";
        let table = parse_table(text);
        let codes: Vec<_> = table.divisions.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["220000", "220100", "220106"]);
        assert_eq!(table.skipped, 7);
    }

    #[test]
    fn parse_of_empty_text_is_empty() {
        let table = parse_table("");
        assert!(table.divisions.is_empty());
        assert_eq!(table.skipped, 0);
    }

    #[test]
    fn level_names_round_trip() {
        for level in [
            DivisionLevel::Province,
            DivisionLevel::Prefecture,
            DivisionLevel::County,
        ] {
            assert_eq!(DivisionLevel::parse(level.as_str()), Some(level));
        }
        assert_eq!(DivisionLevel::parse("town"), None);
    }
}
