package io.trailboss.record;

/** How an object is shown: as POST/PATCH answer it, in a list, in a detail view (parents nested). */
enum AraForm { CREATE, LIST, DETAIL }
