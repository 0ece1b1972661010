@NullMarked
package dev.meetingbridge.security;

import org.jspecify.annotations.NullMarked;
