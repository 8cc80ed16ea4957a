-- wrk script: the server function behind the contact list's first page.
wrk.method = "POST"
wrk.body = "query%5Bq%5D=&query%5Bsort%5D=NameAsc"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
