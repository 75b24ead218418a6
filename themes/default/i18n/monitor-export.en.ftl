# Messages of static export, the tampering ledger and the standards check.

export-tamper-file-altered = Exported file { $path } of site { $site } differs from every version the platform rendered and may have been tampered with; it was rewritten from the database.
export-tamper-file-missing = Exported file { $path } of site { $site } is missing; it was rewritten from the database.
export-tamper-file-unexpected = The export folder of site { $site } holds { $path }, a file its manifest does not list; it may have been planted and was removed.
export-tamper-served-altered = The page of site { $site } fetched through the public address { $location } differs from every version the platform rendered and may have been altered on the way or in a cache; this node's cached copy was replaced.
