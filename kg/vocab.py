"""The one place where the code names vocabulary: namespaces, and every fixed term it writes or reads.

Two kinds of term reach the graph.  The relations, roles, qualifiers and classes a curator writes in YAML
come from `ontology/kg.ttl` at run time, by name, and need nothing here.  The terms the code itself spells
(the provenance layer: statements, evidence, attribution steps, dates, article metadata) are listed
below, once: `missing_terms` tells which of them `kg.ttl` does not declare, and loading the ontology fails
with that list, so renaming a term on one side only cannot go unnoticed.  Standard terms (RDF, RDFS,
SKOS, PROV-O, Web Annotation, schema.org) are listed in `STANDARD_TERMS`.
"""

from __future__ import annotations

KGO = "https://w3id.org/syria-russia-kg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
SCHEMA = "https://schema.org/"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
DCTERMS = "http://purl.org/dc/terms/"
VOCABULARIES = {
    "kgo": KGO,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "prov": PROV,
    "oa": OA,
    "schema": SCHEMA,
    "sem": SEM,
    "dcterms": DCTERMS,
}
"""Prefix → namespace of every vocabulary the graph uses, as the exports and queries declare them; the data's
own IRIs (`--base`) lie outside them all."""


class K:
    """Local names of the kgo terms the code spells itself (each must be declared in `ontology/kg.ttl`)."""

    # classes the code relies on
    Thing = "Thing"
    Event = "Event"
    Article = "Article"
    Claim = "Claim"
    Evidence = "Evidence"
    AttributionStep = "AttributionStep"
    Modality = "Modality"
    NewsOrganization = "NewsOrganization"
    Person = "Person"
    Photograph = "Photograph"
    # classes and relations `kg lint` relies on
    Place = "Place"
    Country = "Country"
    Organization = "Organization"
    GovernmentBody = "GovernmentBody"
    MilitaryForce = "MilitaryForce"
    ArmedGroup = "ArmedGroup"
    Publication = "Publication"
    Statement = "Statement"
    Interview = "Interview"
    Refusal = "Refusal"
    locatedIn = "locatedIn"
    memberOf = "memberOf"
    affiliatedWith = "affiliatedWith"
    leads = "leads"
    governs = "governs"
    actsFor = "actsFor"
    # event roles whose dates the checks compare: what follows or answers an event is not over before it began;
    # a part lies within its whole
    follows = "follows"
    respondsTo = "respondsTo"
    partOf = "partOf"
    # how YAML may use a property, and display hints
    EventRole = "EventRole"
    ClaimRelation = "ClaimRelation"
    Qualifier = "Qualifier"
    AcyclicRelation = "AcyclicRelation"
    displayColor = "displayColor"
    displayShape = "displayShape"
    displayDashes = "displayDashes"
    displayMark = "displayMark"
    modalityRank = "modalityRank"
    directTriple = "directTriple"
    # records
    note = "note"
    statement = "statement"
    modality = "modality"
    conflictsWith = "conflictsWith"
    # dates
    date = "date"
    startDate = "startDate"
    endDate = "endDate"
    earliest = "earliest"
    latest = "latest"
    datePrecision = "datePrecision"
    DayPrecision = "DayPrecision"
    MonthPrecision = "MonthPrecision"
    YearPrecision = "YearPrecision"
    inferredDatePart = "inferredDatePart"
    inferredStartPart = "inferredStartPart"
    inferredEndPart = "inferredEndPart"
    dateNote = "dateNote"
    # evidence and attribution
    hasEvidence = "hasEvidence"
    directSpeech = "directSpeech"
    attribution = "attribution"
    stepIndex = "stepIndex"
    cites = "cites"
    reportedBy = "reportedBy"
    originalSource = "originalSource"
    saidTo = "saidTo"
    # mentions of names in article texts
    Mention = "Mention"
    mentions = "mentions"
    printedName = "printedName"
    inIgnoredPassage = "inIgnoredPassage"
    # articles
    textFile = "textFile"
    outlet = "outlet"
    outletNote = "outletNote"
    section = "section"
    publicationDateNote = "publicationDateNote"
    publishedAfter = "publishedAfter"
    publishedBefore = "publishedBefore"
    hasPhoto = "hasPhoto"
    ignoredPassage = "ignoredPassage"


KGO_TERMS = frozenset(value for name, value in vars(K).items() if not name.startswith("_"))


def kgo(name: str) -> str:
    """The IRI of a kgo term."""
    return KGO + name


class M:
    """Labels of the kgo:Modality individuals the code relies on (each must be one in `ontology/kg.ttl`): the
    modality of evidence that names none, and those `kg lint` reads a quote's words against."""

    asserted = "asserted"
    reported = "reported"
    hedged = "hedged"
    denied = "denied"


DEFAULT_MODALITY = M.asserted
"""The modality of an evidence item that gives none: the outlet's own words, or what its source says."""
MODALITY_LABELS = frozenset(value for name, value in vars(M).items() if not name.startswith("_"))


def missing_terms(declared: set[str] | frozenset[str]) -> list[str]:
    """The kgo terms the code uses that are not among the `declared` local names, sorted."""
    return sorted(KGO_TERMS - declared)


# Standard terms the code writes, by IRI.
TYPE = RDF + "type"
LABEL = RDFS + "label"
COMMENT = RDFS + "comment"
ALT_LABEL = SKOS + "altLabel"
STATEMENT = RDF + "Statement"
SUBJECT, PREDICATE, OBJECT = RDF + "subject", RDF + "predicate", RDF + "object"
DERIVED_FROM = PROV + "wasDerivedFrom"
PROV_AGENT = PROV + "agent"
HEADLINE, TEXT, AUTHOR = SCHEMA + "headline", SCHEMA + "text", SCHEMA + "author"
CAPTION, CREDIT = SCHEMA + "caption", SCHEMA + "creditText"
ANNOTATION, SPECIFIC_RESOURCE = OA + "Annotation", OA + "SpecificResource"
QUOTE_SELECTOR, POSITION_SELECTOR = OA + "TextQuoteSelector", OA + "TextPositionSelector"
HAS_BODY, HAS_TARGET, HAS_SOURCE, HAS_SELECTOR = OA + "hasBody", OA + "hasTarget", OA + "hasSource", OA + "hasSelector"
MOTIVATED_BY, DESCRIBING = OA + "motivatedBy", OA + "describing"
EXACT, PREFIX, SUFFIX, START, END = OA + "exact", OA + "prefix", OA + "suffix", OA + "start", OA + "end"
DAY, MONTH, YEAR = XSD + "date", XSD + "gYearMonth", XSD + "gYear"

STANDARD_TERMS = frozenset(
    {
        *(TYPE, LABEL, ALT_LABEL, STATEMENT, SUBJECT, PREDICATE, OBJECT, DERIVED_FROM, PROV_AGENT),
        *(HEADLINE, TEXT, AUTHOR, CAPTION, CREDIT, ANNOTATION, SPECIFIC_RESOURCE, QUOTE_SELECTOR, POSITION_SELECTOR),
        *(HAS_BODY, HAS_TARGET, HAS_SOURCE, HAS_SELECTOR, MOTIVATED_BY, DESCRIBING, EXACT, PREFIX, SUFFIX, START, END),
    }
)
"""Every standard (non-kgo) term the code writes; each is declared in ontology/imports.ttl (checked at load)."""

# YAML fields of an article that point at nodes, and the property whose range they must respect.
ARTICLE_REFERENCES = {"outlet": KGO + K.outlet, "author": AUTHOR, "photo": KGO + K.hasPhoto}
# Evidence fields that point at agents.
EVIDENCE_REFERENCES = {"via": KGO + K.reportedBy, "said_to": KGO + K.saidTo}
