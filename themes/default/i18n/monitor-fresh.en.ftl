# Messages of the freshness and wording checks.

## Freshness faults

fresh-home-stale = The home page has not been updated for { $days } days (more than { $veto } days is a veto)
fresh-column-stale = Column “{ $column }” has not been updated for { $days } days, past its limit of { $max } days
fresh-column-due = Column “{ $column }” has not been updated for { $days } days; { $left } days are left of its limit of { $max } days
fresh-column-blank = Column “{ $column }” has no published item and is blank
fresh-stale-columns = { $count } columns were not updated in time ({ $veto } is a veto)
fresh-timely-columns = { $count } news, notice and policy document columns were not updated in time ({ $veto } is a veto)
fresh-blank-columns = { $count } columns are blank ({ $veto } is a veto)

## Wording faults on published pages

wording-fault-typo = “{ $title }” contains the typo “{ $found }”; write “{ $suggestion }” ({ $count } times)
wording-fault-misstatement = “{ $title }” contains the serious misstatement “{ $found }”; write “{ $suggestion }” ({ $count } times)
wording-fault-official = “{ $title }” misnames an official as “{ $found }”; write “{ $suggestion }” ({ $count } times)
wording-fault-forbidden = “{ $title }” contains the forbidden word “{ $found }” ({ $count } times)

## Wording lists page

wording-title = Wording lists
wording-explain = Typos, serious misstatements, forbidden words, and current officials by title. Submissions for review and the scan of published content are checked against these lists; changes take effect at once.
wording-list = List
wording-list-official = Current officials
wording-list-misstatement = Serious misstatements
wording-list-forbidden = Forbidden words
wording-list-typo = Typos
wording-term = Wrong form, forbidden word or official's title
wording-term-hint = Write an official's title as texts print it right before the name, such as 国家统计局局长.
wording-replacement = Right form or official's name
wording-replacement-hint = Leave empty for a forbidden word. Write names in Chinese characters only.
wording-source = Source (optional)
wording-add = Add
wording-remove = Remove
wording-remove-entry = Remove “{ $term }”
wording-none = No entries yet.
wording-error = Not saved: { $reason }

## Inline check on the item form

wording-findings-title = Wording check
wording-findings-blocking = Some findings are serious misstatements or forbidden words; the item cannot be submitted for review until they are fixed.
wording-findings-typos = Possible typos were found; check them before submitting.
wording-kind-typo = Typo
wording-kind-misstatement = Serious misstatement
wording-kind-official = Wrong name of an official
wording-kind-forbidden = Forbidden word
wording-finding-where-title = Title
wording-finding-where-body = Body
wording-finding-found = contains “{ $found }” (context: …{ $context }…).
wording-finding-suggestion = Write “{ $suggestion }”.
wording-submit-blocked = Not submitted: the title or body contains “{ $found }”, a serious misstatement or forbidden word. Fix it as the wording check below shows, then submit again.
