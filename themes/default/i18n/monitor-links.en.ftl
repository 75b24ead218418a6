# Messages of the link check.

links-check-name = Link availability
links-broken-home = Broken link on the home page: { $page } links to { $target }, which { links-problem }
links-broken-inner = Broken link: { $page } links to { $target }, which { links-problem }
links-problem = { $problem ->
    [missing-fragment] has no anchor of that name
    [timeout] timed out
    [private-address] is a private address and was not checked
    [redirect-loop] redirects in a loop
    [too-many-redirects] redirects too many times
    [rate-limited] refused to be checked now (rate limited)
    [network] could not be reached
    [invalid-url] is not a valid address
   *[other] answered HTTP { $problem }
}
