/* version.h: the one place the version is written. */
#ifndef SAMIZDAT_VERSION_H
#define SAMIZDAT_VERSION_H
#define SAMIZDAT_VERSION	"0.1.0"
#endif
