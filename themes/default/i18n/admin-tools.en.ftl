# Admin tools: the working-day calendar and the search terms editors maintain.

## Working-day calendar

admin-nav-calendar = Calendar
admin-calendar-title = Working-day calendar
admin-calendar-missing-next-year = The holidays of { $year } are not loaded yet. Load them once the State Council announces them; until then, time limits reaching into { $year } count weekends only and are marked provisional.
admin-calendar-load-link = Load the holidays
admin-calendar-notice-loaded = The year is loaded; time limits are recalculated with it.
admin-calendar-years = Loaded years
admin-calendar-col-year = Year
admin-calendar-col-loaded-by = Loaded by
admin-calendar-col-loaded-at = Loaded at
admin-calendar-shipped = Shipped with the platform
admin-calendar-year-entries = Holidays and adjusted working days of { $year }
admin-calendar-year-not-loaded = { $year } is not loaded; working days of that year count weekends only (provisional).
admin-calendar-col-date = Date
admin-calendar-col-kind = Kind
admin-calendar-col-name = Name
admin-calendar-check-title = Check a date
admin-calendar-check-date = Date
admin-calendar-check-date-hint = As year-month-day, such as 2027-01-04.
admin-calendar-check-days = Working days after it
admin-calendar-check-button = Check
admin-calendar-check-working = { $date } is a working day
admin-calendar-check-off = { $date } is not a working day
admin-calendar-check-later = Working day { $days } after { $date } is { $later }
admin-calendar-provisional = provisional
admin-calendar-error-check-date = The date "{ $value }" is malformed; write it as year-month-day, such as 2027-01-04.
admin-calendar-error-check-days = The number of working days "{ $value }" is invalid; give a whole number from 0 to 1000.
admin-calendar-load-title = Load a year's holidays
admin-calendar-load-explain = List each day off and each adjusted working day from the State Council's notice of the year, in the format of the shipped file. Loading a year again replaces what was loaded for it.
admin-calendar-load-year = Year
admin-calendar-load-csv = Holidays (CSV)
admin-calendar-load-csv-hint = First line date,kind,name_zh,name_en, then one day per line, such as 2027-01-01,holiday,元旦,New Year's Day; kind is holiday or adjusted_workday.
admin-calendar-load-file = Or upload a CSV file
admin-calendar-load-button = Load
admin-calendar-error-header = Line 1 must be date,kind,name_zh,name_en, not "{ $value }".
admin-calendar-error-columns = Line { $line } needs 4 columns (date,kind,name_zh,name_en) and has { $value }. Quote a name that contains a comma.
admin-calendar-error-date = Line { $line }: the date "{ $value }" is invalid; write it as year-month-day, such as 2027-10-01.
admin-calendar-error-kind = Line { $line }: the kind "{ $value }" is unknown; use holiday or adjusted_workday.
admin-calendar-error-name = Line { $line }: column { $value } is empty; give the name of the festival.
admin-calendar-error-csv = Line { $line } cannot be read ({ $value }); check its quotes.
admin-calendar-error-year = The year "{ $value }" is invalid; give a four-digit year such as 2027.
admin-calendar-error-outside-year = { $date } is not in { $year }; correct the date or load it with its own year.
admin-calendar-error-duplicate = { $date } is listed twice; remove one line.
admin-calendar-error-conflict = { $date } is listed both as a holiday and as an adjusted working day; keep the kind the notice gives.
admin-calendar-error-weekday = The adjusted working day { $date } is not a Saturday or Sunday; check the date.
admin-calendar-error-no-holiday = { $year } has no holiday; load the holidays the State Council announced for it.
admin-calendar-error-empty-name = { $date } has an empty { $value }; give the name of the festival.
admin-calendar-error-long-name = { $date } has a { $value } of { $length } characters; give the festival's name, at most 50 characters.
admin-calendar-error-missing-festival = { $year } has no holiday named { $value }; every announcement since 2008 gives one, so load the whole announcement.

## Search terms

admin-nav-search-terms = Search terms
admin-search-terms-title = Search terms
admin-search-terms-synonyms = Synonyms
admin-search-terms-synonyms-explain = The terms of a group count as one term in searches, such as ID card = resident identity card. Changes apply to new searches at once.
admin-search-terms-col-terms = Synonym group
admin-search-terms-col-updated = Changed
admin-search-terms-col-actions = Actions
admin-search-terms-edit = Edit
admin-search-terms-delete = Delete
admin-search-terms-delete-label = Delete the synonym group { $terms }
admin-search-terms-no-synonyms = There is no synonym group yet.
admin-search-terms-add-title = Add a synonym group
admin-search-terms-edit-title = Edit the synonym group
admin-search-terms-field-terms = Synonyms
admin-search-terms-hint-terms = Separate them with = or line breaks, such as ID card = resident identity card.
admin-search-terms-save = Save the synonym group
admin-search-terms-notice-saved = The synonym group is saved.
admin-search-terms-notice-deleted = The synonym group is deleted.
admin-search-terms-notice-dismissed = The query is removed from the list.
admin-search-terms-error-too-few = Synonyms: a group needs at least two different terms, separated by =.
admin-search-terms-error-too-many = Synonyms: a group holds at most { $max } terms; split it.
admin-search-terms-error-term = Synonyms: "{ $term }" is not one term: each term has at most { $max } characters and no comma; separate terms with = or new lines.
admin-search-terms-error-duplicate = Synonyms: "{ $term }" is already in the group { $group }; a term belongs to one group only, so add the other terms to that group.
admin-search-terms-error-refused = The synonym group was not saved; someone may have just changed or deleted it. Reload the page and try again.
admin-search-terms-misses = Queries without results
admin-search-terms-misses-explain = These searches found nothing. Add synonyms or content for them, then remove them.
admin-search-terms-col-query = Query
admin-search-terms-col-count = Times
admin-search-terms-col-last = Last time
admin-search-terms-dismiss = Remove
admin-search-terms-dismiss-label = Remove the query { $query }
admin-search-terms-no-misses = No query without results.
