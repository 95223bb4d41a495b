/*
 * web_page.S: the offline web page and its gazetteer, built from web/ and
 * gzipped by scripts/web.sh, embedded in the binary as read-only bytes
 * (web_page_gz .. web_page_gz_end, web_places_gz .. web_places_gz_end),
 * and the Content-Security-Policy the page was built with (web_page_csp ..
 * web_page_csp_end), which the node also sends as a header, and the
 * evidence archives' viewer (web_viewer_gz .. web_viewer_gz_end).  The
 * Makefile passes -I build/web.
 */
	.section .rodata
	.global	web_page_gz
	.global	web_page_gz_end
	.balign	16
web_page_gz:
	.incbin	"index.html.gz"
web_page_gz_end:
	.byte	0
	.global	web_places_gz
	.global	web_places_gz_end
	.balign	16
web_places_gz:
	.incbin	"places.json.gz"
web_places_gz_end:
	.byte	0
	.global	web_viewer_gz
	.global	web_viewer_gz_end
	.balign	16
web_viewer_gz:
	.incbin	"viewer.html.gz"
web_viewer_gz_end:
	.byte	0
	.global	web_page_csp
	.global	web_page_csp_end
web_page_csp:
	.incbin	"csp.txt"
web_page_csp_end:
	.byte	0
	.section .note.GNU-stack,"",%progbits
