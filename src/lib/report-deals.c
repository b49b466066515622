/*
 * report-deals.c - the reports of closed deals: conversion (won of
 * closed, by owner, source and pipeline), lost (by stage, reason and
 * competitor), cycle (days to win, time in each stage) and sources
 * (leads, deals and won revenue by where clients come from).
 */
#include <stdlib.h>
#include <string.h>

#include "report-internal.h"

int report_conversion(struct rscan *sc, struct crm_err *err)
{
	(void)sc;
	return crm_seterr(err, CRM_EUSAGE, "not yet");
}

int report_lost(struct rscan *sc, struct crm_err *err)
{
	(void)sc;
	return crm_seterr(err, CRM_EUSAGE, "not yet");
}

int report_cycle(struct rscan *sc, struct crm_err *err)
{
	(void)sc;
	return crm_seterr(err, CRM_EUSAGE, "not yet");
}

int report_sources(struct rscan *sc, struct crm_err *err)
{
	(void)sc;
	return crm_seterr(err, CRM_EUSAGE, "not yet");
}

int report_activity(struct rscan *sc, struct crm_err *err)
{
	(void)sc;
	return crm_seterr(err, CRM_EUSAGE, "not yet");
}
