#!/bin/sh
# tests/pcap_tshark.sh - `pktsim trace pcap` as Wireshark sees it: tshark
# dissects the converted trace of a small DCQCN + PFC incast, and what it
# finds equals what the simulation counted (its --json summary) and what the
# trace recorded (`trace dump`).
#
# One switch, so every frame crosses two links: host -> switch -> host. In
# the egress view (a frame per transmission) a data packet, an ACK and a CNP
# appear twice, once per link; a CE mark is made at the switch egress, so a
# marked packet is CE on exactly one link; a PFC frame crosses one link.
# Skipped (77) without tshark, except in CI, which installs it.
set -u
TESTNAME=tshark
. "${SRCDIR:-.}/tests/testlib.sh"
need tshark
need python3
# tshark refuses some things as root unless told it is fine; keep its
# warnings out of the counts.
TS="tshark -o gui.max_export_objects:1 -n"
$TS -v >/dev/null 2>&1 || TS="tshark -n"

cd "$T" || exit 1
"$PKTSIM" run "$SRCDIR/examples/trace-incast.yaml" --json --trace run.trace >sum.json 2>err ||
	{ echo "not ok run: $(cat err)"; exit 1; }
counter() { python3 -c "import json,sys; print(json.load(open('sum.json'))['counters']['$1'])"; }
marks=$(counter ecn_marks)
cnps=$(counter cnps)
pfc=$(( $(counter pfc_pauses) + $(counter pfc_resumes) ))
data=$(counter data_packets)
acks=$(counter acks)
[ "$marks" -gt 0 ] && [ "$cnps" -gt 0 ] && [ "$pfc" -gt 0 ] ||
	bad scenario "the incast should mark, send CNPs and pause ($marks, $cnps, $pfc)"

"$PKTSIM" trace pcap run.trace -o run.pcapng >/dev/null 2>err || bad convert_pcapng "$(cat err)"
"$PKTSIM" trace pcap run.trace -o run.pcap >/dev/null 2>err || bad convert_pcap "$(cat err)"
"$PKTSIM" trace pcap run.trace -o run.pcap.gz >/dev/null 2>err || bad convert_pcap_gz "$(cat err)"

count() { $TS -r "$1" -Y "$2" 2>/dev/null | wc -l | tr -d ' '; }
expect_count() {
	got=$(count "$2" "$3")
	if [ "$got" -eq "$4" ]; then ok "$1"; else bad "$1" "$3: $got frames, expected $4"; fi
}

# RDMA WRITE First/Middle/Last/Only, twice per data packet.
expect_count data_frames_are_rdma_write run.pcapng \
	"infiniband.bth.opcode == 6 || infiniband.bth.opcode == 7 || infiniband.bth.opcode == 8 || infiniband.bth.opcode == 10" \
	$((2 * data))
expect_count acks_are_acknowledge run.pcapng "infiniband.bth.opcode == 0x11" $((2 * acks))
expect_count ce_marked_frames run.pcapng "ip.dsfield.ecn == 3" "$marks"
expect_count ce_only_on_switch_links run.pcapng \
	"ip.dsfield.ecn == 3 && frame.interface_name matches \"^switch\"" "$marks"
expect_count cnps_sent_by_hosts run.pcapng \
	"infiniband.bth.opcode == 0x81 && frame.interface_name matches \"^host\"" "$cnps"
# Wireshark 4.0 has no field for a CNP's BTH flags: the BECN bit is bit 6 of
# the BTH's fifth byte, frame offset 14 + 4 + 20 + 8 + 4 = 50.
expect_count cnps_carry_becn run.pcapng "infiniband.bth.opcode == 0x81 && frame[50:1] == 40" \
	$((2 * cnps))
expect_count pfc_frames run.pcapng "macc.opcode == 0x0101" "$pfc"
expect_count pfc_pauses run.pcapng "macc.opcode == 0x0101 && macc.cbfc.pause_time.c3 > 0" \
	"$(counter pfc_pauses)"
expect_count nothing_malformed_but_truncation run.pcapng \
	"_ws.malformed && !(infiniband)" 0

# QP numbers and PSNs: frame by frame, tshark's reading of the data frames
# equals the trace's tx records (QP = flow + 2, PSN = the record's).
"$PKTSIM" trace dump run.trace | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r.get("kind") == "tx" and r.get("type") == "data":
        print("%d\t%d" % (r["flow"] + 2, r["psn"]))' >want.txt
$TS -r run.pcapng -Y "infiniband.bth.opcode <= 10" -T fields -e infiniband.bth.destqp \
	-e infiniband.bth.psn 2>/dev/null |
	python3 -c '
import sys
for line in sys.stdin:
    qp, psn = line.split()
    print("%d\t%d" % (int(qp, 0), int(psn)))' >got.txt
if [ -s want.txt ] && cmp -s want.txt got.txt; then ok qp_and_psn_per_frame
else bad qp_and_psn_per_frame "$(diff want.txt got.txt | head -5)"; fi

# The same frames whatever the container: pcap, pcap.gz and pcapng.
fields="-T fields -e frame.time_epoch -e frame.len -e frame.cap_len -e eth.src -e eth.dst -e ip.dsfield -e udp.srcport -e infiniband.bth.opcode -e infiniband.bth.psn -e macc.cbfc.enbv"
$TS -r run.pcap $fields >a.txt 2>/dev/null
$TS -r run.pcap.gz $fields >b.txt 2>/dev/null
$TS -r run.pcapng $fields >c.txt 2>/dev/null
if [ -s a.txt ] && cmp -s a.txt b.txt; then ok pcap_gz_reads_as_pcap
else bad pcap_gz_reads_as_pcap "$(diff a.txt b.txt | head -3)"; fi
if cmp -s a.txt c.txt; then ok pcapng_same_frames; else bad pcapng_same_frames "$(diff a.txt c.txt | head -3)"; fi

# Whole frames (--snaplen 0) carry the ICRC (Wireshark 4.0 shows it for the
# opcodes it knows, not for CNPs).
"$PKTSIM" trace pcap run.trace -o full.pcap --snaplen 0 >/dev/null 2>err || bad convert_full "$(cat err)"
expect_count whole_frames_not_malformed full.pcap "_ws.malformed" 0
expect_count whole_frames_have_icrc full.pcap "infiniband.invariant.crc" $((2 * data + 2 * acks))

[ "$fails" -eq 0 ]
