#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ui_alerts: the two diagnoses ui_insight.sh does not put on screen, in the
# monitor, with no hint to the tool, in a test-made namespace:
#  - SYN flood: an nftables rule drops the handshake's final ACK to :P, 80
#    clients leave SYN_RECV entries -> the Alerts panel names the listener's
#    port and process (halfopen) and the top source address;
#  - CLOSE_WAIT leak: a process ("leaky") that never close()s sockets its
#    peers closed -> the Alerts panel names it and its pid.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/ui/lib-tmux.sh"

require_root
require_cmds tmux jq ip nft ss python3
netns_new uialerts
P=8443
C=7070

synflood_start $P

leaky_start $C 0.3

SOCKWATCH_NO_MOUSE=1
export SOCKWATCH_NO_MOUSE
tmux_start_sockwatch 200 50 xterm-256color C.UTF-8 -d 1
check "monitor starts" tmux_wait_text "Connections"
check "alerts line shows a finding" tmux_wait_regex "^!!? ?(ALARM|WARN)"
tmux_send a
check "Alerts panel opens" tmux_wait_text "> Alerts"
check "SYN flood: names :$P" tmux_wait_regex "SYN.*:$P|:$P.*SYN"
check "SYN flood: names the listener's process halfopen" tmux_wait_text "halfopen"
check "SYN flood: names the top source 127.0.0.2" tmux_wait_text "127.0.0.2"
tmux_send z
check "z zooms the Alerts panel" tmux_wait_gone "Connections" 5
check "CLOSE_WAIT leak: names leaky (pid $LPID)" tmux_wait_regex "leaky \\(pid $LPID\\)" 20
check "CLOSE_WAIT leak: the fix says the process never calls close()" tmux_wait_text "close()"
tmux_send q
check "q quits" tmux_wait_exit 5
finish
