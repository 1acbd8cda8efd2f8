/* SPDX-License-Identifier: MIT */
/*
 * stats.h - the aggregates for the dashboard (docs/city.md "Aggregates"): retained plain JSON
 * on passgate/v1/<city>/stats/day/<date>, .../stats/ward/<ward>/day/<date> and
 * .../stats/fleet. Every count from 1 to k-1 is published as the string "<k"; there is no
 * token, no venue-level count and no slot-level count in any of them.
 *
 * "kinds" counts the event's kind when it has one, otherwise: "staff-verified" or
 * "child-exempt" when that is among its reasons, else "none".
 */
#ifndef PASSGATE_CITY_STATS_H
#define PASSGATE_CITY_STATS_H

struct city;
struct link;

/* Publish @day's city-wide and per-ward aggregates. */
int stats_publish_day(struct city *c, struct link *l, const char *day);
/* Publish the kiosk fleet's health from the registry. */
int stats_publish_fleet(struct city *c, struct link *l);

#endif
