# Messages of the default theme in English. Every key here must also be in zh-CN.ftl; a unit
# test of jiyue-render checks both files.

## Page frame

skip-to-content = Skip to main content
demo-label = Demo data: the content of this site is for demonstration only and is not real government information.
sample-label = Sample content
platform-name = Integrated Government Website Platform
nav-label = Main navigation
language-switch-label = Language versions
breadcrumb-label = You are here
home-column-name = Home

label-separator = { ": " }
list-separator = { ", " }

## Site search box in the header

search-label = Search this site
search-button = Search

## Footer

footer-label = Site information
footer-badge = Party and government website
footer-site-code = Website code: { $code }
footer-icp = ICP filing: { $number }
footer-public-security = Public security filing: { $number }
footer-sponsor = Sponsor: { $name }
footer-operator = Operator: { $name }
footer-phone = Phone: { $phone }
footer-email = Email: { $email }
footer-address = Address: { $address }
footer-site-map = Site map
footer-error-report = Report an error on this site
footer-directory = All government websites

## Lists and columns

more-link = More
more-label = More in { $column }
column-empty = This column has no items yet.
feed-link = Subscribe to this column (Atom)
pagination-label = Pages
pagination-prev = Previous
pagination-next = Next
pagination-page = Page { $number }
pagination-summary = Page { $current } of { $pages }, { $total } items

## Item pages

item-meta-label = Document information
item-index-number = Index number
item-issuing-org = Issued by
item-written-date = Date written
item-document-number = Document number
item-pub-date = Published
item-subject = Subject
item-genre = Genre
item-validity-label = Validity
item-validity = { $validity ->
    [expired] Expired
    [repealed] Repealed
    [amended] Amended
   *[valid] In force
}
item-source = Source
item-author = Author
item-editor = Editor
item-keywords = Keywords
item-summary = Summary
item-attachments = Attachments
item-translations = Other languages
item-also-on = Also published on
item-repealed-banner = This document has been repealed. It is kept for reference only and no longer applies.
item-expired-banner = This document has expired and is kept for reference only.
item-amended-banner = This document has been amended; refer to the amended version.

## Search

search-title = Search
search-query-label = Search terms
search-scope-label = Search scope
search-scope-current = This site
search-scope-all = All sites
search-total = { $total ->
    [one] { $total } result
   *[other] { $total } results
}
search-no-results = No results found. Try other search terms.
search-empty-query = Please enter a search term.
search-truncated = The search term is too long; only its first 100 characters were used.
search-results-label = Search results
search-facet-site = By site
search-facet-year = By year
search-facets-label = Narrow the results

## Error pages

not-found-title = Page not found
not-found-body = The page { $path } does not exist. It may have moved, or the address may be wrong.
not-found-home = Go to the home page
not-found-host = This platform hosts no website at { $host }. Check the address.
gone-title = Page withdrawn
gone-home = Go to the home page
site-map-title = Site map

## Platform directory

directory-intro = All government websites hosted on this platform, by organization.

## Search over public services
search-service-label = Service
search-services-only = Searching public services only.
search-all-kinds = Search everything
