@NullMarked
package dev.meetingbridge.web;

import org.jspecify.annotations.NullMarked;
