#!/bin/sh
# make.sh: how the sample files in test/media/ were made, once, on Debian 12
# (README.md says what each holds).  Needs imagemagick,
# libimage-exiftool-perl, ffmpeg and webp; the tests never run it and never
# need those tools.  The pictures are ImageMagick's plasma fractal and
# ffmpeg's test pattern; the names, the camera and the place are made up
# (43.238949 N, 76.945465 E is Republic Square in Almaty, a public place).
#
#	sh test/media/make.sh		(writes into test/media/)
set -eu
cd "$(dirname "$0")"
T=$(mktemp -d "${TMPDIR:-/tmp}/media.XXXXXX")
trap 'rm -rf "$T"' EXIT
IM=/usr/bin/convert
LAT=43.238949
LON=76.945465
ISO6709=+43.2389+076.9455/
EXIF="-Make=SamizdatTestCam -Model=FixtureOne -Software=fixture-1.0
    -SerialNumber=FIX0001 -OwnerName=NobodyFixture -Artist=NobodyFixture
    -DateTimeOriginal=2026:01:05T09:12:44 -CreateDate=2026:01:05T09:12:44
    -ModifyDate=2026:01:05T09:12:44 -GPSLatitude=$LAT -GPSLatitudeRef=N
    -GPSLongitude=$LON -GPSLongitudeRef=E -GPSAltitude=850 -GPSAltitudeRef=0"
XMP="-XMP-dc:Creator=NobodyFixture -XMP-exif:GPSLatitude=$LAT
    -XMP-exif:GPSLongitude=$LON -XMP-tiff:Make=SamizdatTestCam"

# The picture: 480x320, deterministic.
$IM -size 480x320 -seed 14 plasma:fractal -blur 0x1 -quality 85 \
    "$T/base.jpg"
$IM "$T/base.jpg" -resize 160x107 -quality 70 "$T/thumb.jpg"

# phone.jpg: like a phone's: EXIF with GPS, make, model, serial, owner,
# dates and a thumbnail (IFD1).
cp "$T/base.jpg" phone.jpg
# shellcheck disable=SC2086
exiftool -q -overwrite_original $EXIF -Orientation#=1 \
    "-ThumbnailImage<=$T/thumb.jpg" phone.jpg

# xmp-comment.jpg: XMP (creator, GPS, make) and a COM comment.
$IM "$T/base.jpg" -resize 320x213 -quality 80 \
    -set comment "Taken by Nobody Fixture at the bridge" xmp-comment.jpg
# shellcheck disable=SC2086
exiftool -q -overwrite_original $XMP xmp-comment.jpg

# adobe-cmyk.jpg: CMYK, so it carries an APP14 Adobe segment (kept).
$IM "$T/base.jpg" -resize 96x64 -colorspace CMYK -quality 80 adobe-cmyk.jpg

# notes.png: tEXt (ImageMagick's dates, a comment, an author), iTXt
# (XMP), eXIf (EXIF with GPS) and tIME.
$IM "$T/base.jpg" -resize 120x80 -set comment "Taken by Nobody Fixture" \
    -colors 64 notes.png
# shellcheck disable=SC2086
exiftool -q -overwrite_original $EXIF $XMP -PNG:Author=NobodyFixture \
    notes.png

# exif-xmp.webp: VP8X with EXIF (GPS, make, model) and XMP chunks.
cp "$T/base.jpg" "$T/meta.jpg"
# shellcheck disable=SC2086
exiftool -q -overwrite_original $EXIF $XMP "$T/meta.jpg"
cwebp -quiet -q 50 -resize 240 160 -metadata exif,xmp "$T/meta.jpg" \
    -o exif-xmp.webp

# Video: 2 s of test pattern (160x120, H.264) and a tone (AAC).
AV="-f lavfi -i testsrc=size=160x120:rate=10 -f lavfi
    -i sine=frequency=440:sample_rate=16000 -t 2 -c:v libx264 -preset
    veryslow -crf 35 -pix_fmt yuv420p -c:a aac -b:a 16k"
META="-metadata location=$ISO6709 -metadata make=SamizdatTestCam
    -metadata model=FixtureOne -metadata creation_time=2026-01-05T09:12:44Z"

# location.mp4: moov after mdat (ffmpeg's default), ftyp brand mp42;
# ffmpeg's QuickTime writer puts the location in moov/udta as ©xyz, with
# ©mak and ©mod.  (exiftool would move moov before mdat, so it is not
# used here.)
# shellcheck disable=SC2086
ffmpeg -v error -y $AV $META -f mov -brand mp42 location.mp4

# faststart.mp4: moov before mdat, so every chunk offset moves when udta
# goes; moov/udta holds a meta (mdta keys: location, make, model,
# creation_time) and loci from ffmpeg, ©xyz from exiftool, and exiftool
# adds XMP as a top-level uuid box between moov and mdat.
# shellcheck disable=SC2086
ffmpeg -v error -y $AV $META -movflags +faststart+use_metadata_tags \
    "$T/fast.mp4"
# shellcheck disable=SC2086
exiftool -q $XMP -UserData:GPSCoordinates="$LAT, $LON" -o faststart.mp4 \
    "$T/fast.mp4"

# clip.mov: QuickTime (brand "qt  "), moov first (exiftool writes it
# so); moov/udta has a meta with Apple's keys
# com.apple.quicktime.location.ISO6709, make and model, loci, and ©xyz.
# shellcheck disable=SC2086
ffmpeg -v error -y $AV \
    -metadata com.apple.quicktime.location.ISO6709=$ISO6709 \
    -metadata com.apple.quicktime.make=SamizdatTestCam \
    -metadata com.apple.quicktime.model=FixtureOne \
    -metadata com.apple.quicktime.creationdate=2026-01-05T09:12:44Z \
    -movflags use_metadata_tags "$T/clip.mov"
exiftool -q -UserData:GPSCoordinates="$LAT, $LON" -o clip.mov "$T/clip.mov"
ls -l phone.jpg xmp-comment.jpg adobe-cmyk.jpg notes.png exif-xmp.webp \
    location.mp4 faststart.mp4 clip.mov
