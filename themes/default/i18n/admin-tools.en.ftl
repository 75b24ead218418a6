# Admin tools: the working-day calendar and the search terms editors maintain.
