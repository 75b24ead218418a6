-- The wording lists that platform operators keep for the wording check: common typos, serious
-- misstatements and forbidden words, and the current officials by title.
--
-- list is one of 'typo', 'misstatement', 'forbidden' and 'official'. term is the wrong form
-- (typos, misstatements), the word (forbidden words) or the title (officials); replacement is
-- the right form, empty for forbidden words, or the holder's name. source says where an entry
-- comes from, so a later operator can check it. A term is listed once per list.
CREATE TABLE wording_entries (
    id INTEGER PRIMARY KEY,
    list TEXT NOT NULL CHECK (list IN ('typo', 'misstatement', 'forbidden', 'official')),
    term TEXT NOT NULL,
    replacement TEXT NOT NULL,
    source TEXT,
    added_by BIGINT REFERENCES staff (id),
    added_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX wording_entries_list_term ON wording_entries (list, term);
