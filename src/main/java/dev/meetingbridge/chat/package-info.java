@NullMarked
package dev.meetingbridge.chat;

import org.jspecify.annotations.NullMarked;
