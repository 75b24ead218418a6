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

## One-stop services (办事服务)

services-title = Services
services-description = Government services and their guides, by department, life event, business stage and audience.
services-total = { $count ->
    [one] 1 service
   *[other] { $count } services
}
services-count = ({ $count })
services-none = No services are published yet.
services-search-label = Search services
services-by-life-event = For individuals: by life event
services-by-business-stage = For businesses: by business stage
services-by-audience = By audience
services-by-department = By department
services-stats-title = Service statistics
services-stats-intro = Applications received and completed per service and month, published exactly as the source of record reported them; this platform estimates nothing.
services-stats-none = No service statistics have been imported yet.
services-stats-month = Month
services-stats-service = Service
services-stats-received = Received
services-stats-completed = Completed
services-stats-source = Source
services-stats-imported-at = Imported
services-stats-sum = Sum of the { $months } months above

service-also-known-as = Also known as
service-origin = Source
service-origin-local = maintained on this platform
service-origin-synced = synced from { $source }, last synced { $time } (China time)
service-updated-at = Last updated
service-incomplete-note = This guide is not complete yet; please check the elements marked "not yet available" with the consultation phone number.
service-incomplete-reason = Reason
service-not-provided = Not yet available
service-not-applicable = Not applicable
service-no-file = None
service-code = Service code
service-kind = Kind of service
service-implementing-org = Implementing organization
service-legal-basis = Legal basis
service-conditions = Conditions
service-materials = Required materials
service-material-name = Material
service-material-originals = Originals
service-material-copies = Copies
service-material-blank-form = Blank form
service-material-example = Example
service-material-issuer = Issued by
service-fee = Fee and its basis
service-fee-free = Free of charge
service-fee-standard = Fee
service-fee-basis = Basis
service-steps = Process
service-statutory-days = Statutory time limit
service-promised-days = Promised time limit
service-working-days = { $count ->
    [one] 1 working day
   *[other] { $count } working days
}
service-due = Apply today and it is due by { $date }
service-provisional = provisional
service-provisional-note = This date falls in a year whose public holidays the State Council has not announced yet, so only weekends are counted; it is recalculated once they are announced.
service-places = Where and when to apply
service-hours = Hours
service-online-url = Apply online
service-consult-phone = Consultation phone
service-complaint-phone = Complaint phone
service-audiences = Audience
service-life-events = Life events
service-business-stages = Business stages
service-notes = Further notes
